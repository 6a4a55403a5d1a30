using Mesh.Api.Contracts;
using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Filtering;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/health/*</c>.</summary>
public static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/health/node/{node}", context => NodeAsync(context, server));
        app.MapGet("/v1/health/checks/{service}", context => ServiceChecksAsync(context, server));
        app.MapGet("/v1/health/service/{service}", context => ServiceAsync(context, server, connect: false));
        app.MapGet("/v1/health/connect/{service}", context => ServiceAsync(context, server, connect: true));
        app.MapGet("/v1/health/state/{state}", context => StateAsync(context, server));
    }

    private static Task NodeAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var node = Writes.Route(context, "node");
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Node(node)], WatchKeys.Nodes).RespondAsync<IReadOnlyList<HealthCheck>>(
            context, options, state => filter.Where([.. state.ChecksOnNode(node).Where(acl.Check)], ApiJsonContext.Default.IReadOnlyListHealthCheck),
            ApiJsonContext.Default.IReadOnlyListHealthCheck);
    }

    private static Task ServiceChecksAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var service = Writes.Route(context, "service");
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Service(service)], WatchKeys.Services).RespondAsync<IReadOnlyList<HealthCheck>>(
            context, options,
            state => filter.Where(
                [.. state.ServicesNamed(service).Where(pair => acl.Instance(state.Nodes[pair.Key.Node].Name, pair.Service.Service))
                    .SelectMany(pair => state.ChecksOnNode(pair.Key.Node).Where(c => c.ServiceId == pair.Service.Id))],
                ApiJsonContext.Default.IReadOnlyListHealthCheck),
            ApiJsonContext.Default.IReadOnlyListHealthCheck);
    }

    private static Task ServiceAsync(HttpContext context, ServerRuntime server, bool connect)
    {
        if (DatacenterForwarding.RemoteDatacenter(context, server) is { } datacenter)
        {
            return RemoteServiceAsync(context, server, datacenter, connect);
        }

        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var service = Writes.Route(context, "service");
        var passingOnly = QueryOptions.Flag(context.Request, "passing");
        var tags = context.Request.Query["tag"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToArray();
        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var key = connect ? WatchKeys.Connect(service) : WatchKeys.Service(service);
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [key], WatchKeys.Services).RespondAsync<IReadOnlyList<CheckServiceNodeView>>(
            context, options,
            state => filter.Where(
                [.. CheckServiceNodes(state, service, connect)
                    .Where(row => acl.Instance(row.Node.Name, row.Service.Service))
                    .Where(row => tags.All(tag => row.Service.Tags.Contains(tag)))
                    .Where(row => nodeMeta.Matches(row.Node))
                    .Where(row => !passingOnly || row.Checks.All(c => c.Status == HealthStatus.Passing))],
                ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView),
            ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView);
    }

    /// <summary>
    /// <c>?dc=</c> another datacenter: its server answers the rows the token may read there (and the blocking wait);
    /// <c>tag</c>, <c>passing</c>, <c>node-meta</c> and <c>filter</c> are applied here, to the same rows.
    /// </summary>
    private static async Task RemoteServiceAsync(HttpContext context, ServerRuntime server, string datacenter, bool connect)
    {
        var filter = RequestFilter.Parse(context.Request);
        var service = Writes.Route(context, "service");
        var passingOnly = QueryOptions.Flag(context.Request, "passing");
        var tags = context.Request.Query["tag"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToArray();
        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var rows = await DatacenterForwarding.HealthAsync(context, server, datacenter, service, connect).ConfigureAwait(false);
        var views = filter.Where(
            [.. rows.Select(row => new CheckServiceNodeView(row.Node, row.Service, row.Checks))
                .Where(row => tags.All(tag => row.Service.Tags.Contains(tag)))
                .Where(row => nodeMeta.Matches(row.Node))
                .Where(row => !passingOnly || row.Checks.All(c => c.Status == HealthStatus.Passing))],
            ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView);
        await ApiResponse.WriteJsonAsync(context, views, ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView).ConfigureAwait(false);
    }

    /// <summary>The rows of a health query: each instance with its node and the checks that decide its health.</summary>
    public static IEnumerable<CheckServiceNodeView> CheckServiceNodes(StoreState state, string service, bool connect)
        => CatalogEndpoints.Instances(state, service, connect).Select(pair => new CheckServiceNodeView(
            state.Nodes[pair.Key.Node],
            pair.Service,
            [.. state.ChecksForInstance(pair.Key.Node, pair.Service.Id)]));

    private static Task StateAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var wanted = Writes.Route(context, "state");
        if (wanted != HealthStatus.Any && !HealthStatus.IsValid(wanted))
        {
            throw ApiException.BadRequest($"Invalid state \"{wanted}\": must be any, passing, warning, critical or maintenance");
        }

        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Checks]).RespondAsync<IReadOnlyList<HealthCheck>>(
            context, options,
            state => filter.Where(
                [.. state.Checks.Values
                    .Where(acl.Check)
                    .Where(c => wanted == HealthStatus.Any || c.Status == wanted)
                    .Where(c => nodeMeta.Matches(state.FindNode(c.Node)!))],
                ApiJsonContext.Default.IReadOnlyListHealthCheck),
            ApiJsonContext.Default.IReadOnlyListHealthCheck);
    }
}
