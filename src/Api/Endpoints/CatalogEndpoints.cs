using Mesh.Api.Contracts;
using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Api.Translation;
using Mesh.Config.Filtering;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/catalog/*</c>.</summary>
public static class CatalogEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPut("/v1/catalog/register", context => RegisterAsync(context, server));
        app.MapPut("/v1/catalog/deregister", context => DeregisterAsync(context, server));
        app.MapGet("/v1/catalog/datacenters", context => ApiResponse.WriteJsonAsync(
            context, [.. server.Wan?.Value.Datacenters() ?? [server.Self.Datacenter]], ApiJsonContext.Default.StringArray));
        app.MapGet("/v1/catalog/services", context => ServicesAsync(context, server));
        app.MapGet("/v1/catalog/service/{name}", context => ServiceAsync(context, server, connect: false));
        app.MapGet("/v1/catalog/connect/{name}", context => ServiceAsync(context, server, connect: true));
        app.MapGet("/v1/catalog/nodes", context => NodesAsync(context, server));
        app.MapGet("/v1/catalog/node/{node}", context => NodeAsync(context, server));
        app.MapGet("/v1/catalog/node-services/{node}", context => NodeServicesAsync(context, server));
    }

    private static async Task RegisterAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Default.RegisterRequestBody).ConfigureAwait(false);
        var command = CatalogRegistration.ToCommand(body, server.Self);

        // Writes.SubmitAsync checks the command: node:write when the node changes, service:write on the service
        // (and a sidecar's destination), per check on its service or node.
        await Writes.SubmitAsync(context, server, command).ConfigureAwait(false);
        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }

    private static async Task DeregisterAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Default.DeregisterBody).ConfigureAwait(false);
        var command = CatalogRegistration.ToCommand(body, server.Self);
        await Writes.SubmitAsync(context, server, command).ConfigureAwait(false);
        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }

    private static Task ServicesAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Services, WatchKeys.Nodes]).RespondAsync<IReadOnlyDictionary<string, IReadOnlyList<string>>>(
            context, options,
            state =>
            {
                var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
                foreach (var service in FilteredInstances(state, nodeMeta, filter).Where(service => acl.Service(service.Service)))
                {
                    if (!result.TryGetValue(service.Service, out var tags))
                    {
                        result[service.Service] = tags = [];
                    }

                    foreach (var tag in service.Tags)
                    {
                        if (!tags.Contains(tag))
                        {
                            tags.Add(tag);
                        }
                    }
                }

                return result.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value);
            },
            ApiJsonContext.Default.IReadOnlyDictionaryStringIReadOnlyListString);
    }

    /// <summary>
    /// The instances behind <c>/v1/catalog/services</c>: Consul applies <c>?filter</c> to each instance as a
    /// <c>ServiceNode</c> (so <c>ServiceMeta</c>, <c>ServiceTags</c>, <c>NodeMeta</c> and the rest are selectors).
    /// </summary>
    private static IEnumerable<NodeService> FilteredInstances(StoreState state, NodeMetaFilter nodeMeta, FilterExpression? filter)
    {
        var rows = state.Services
            .Select(pair => (Node: state.Nodes[pair.Key.Node], Service: pair.Value))
            .Where(row => nodeMeta.Matches(row.Node));
        return filter is null
            ? rows.Select(row => row.Service)
            : filter.Where([.. rows], row => ServiceNodeView.From(row.Node, row.Service), ApiJsonContext.Default.IReadOnlyListServiceNodeView)
                .Select(row => row.Service);
    }

    private static Task ServiceAsync(HttpContext context, ServerRuntime server, bool connect)
    {
        if (DatacenterForwarding.RemoteDatacenter(context, server) is { } datacenter)
        {
            return RemoteServiceAsync(context, server, datacenter, connect);
        }

        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var name = Writes.Route(context, "name");
        var tags = context.Request.Query["tag"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToArray();
        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var key = connect ? WatchKeys.Connect(name) : WatchKeys.Service(name);
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [key], WatchKeys.Services).RespondAsync<IReadOnlyList<ServiceNodeView>>(
            context, options,
            state => filter.Where(
                [.. Instances(state, name, connect)
                    .Where(pair => acl.Instance(state.Nodes[pair.Key.Node].Name, pair.Service.Service))
                    .Where(pair => tags.All(tag => pair.Service.Tags.Contains(tag)))
                    .Select(pair => (Node: state.Nodes[pair.Key.Node], pair.Service))
                    .Where(pair => nodeMeta.Matches(pair.Node))
                    .Select(pair => ServiceNodeView.From(pair.Node, pair.Service))],
                ApiJsonContext.Default.IReadOnlyListServiceNodeView),
            ApiJsonContext.Default.IReadOnlyListServiceNodeView);
    }

    public static IEnumerable<(ServiceKey Key, NodeService Service)> Instances(StoreState state, string name, bool connect)
        => connect ? state.ConnectServicesFor(name) : state.ServicesNamed(name);

    /// <summary><c>?dc=</c> another datacenter: the same rows as its health query, shown as catalog rows.</summary>
    private static async Task RemoteServiceAsync(HttpContext context, ServerRuntime server, string datacenter, bool connect)
    {
        var filter = RequestFilter.Parse(context.Request);
        var name = Writes.Route(context, "name");
        var tags = context.Request.Query["tag"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToArray();
        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var rows = await DatacenterForwarding.HealthAsync(context, server, datacenter, name, connect).ConfigureAwait(false);
        var views = filter.Where(
            [.. rows.Where(row => tags.All(tag => row.Service.Tags.Contains(tag)))
                .Where(row => nodeMeta.Matches(row.Node))
                .Select(row => ServiceNodeView.From(row.Node, row.Service))],
            ApiJsonContext.Default.IReadOnlyListServiceNodeView);
        await ApiResponse.WriteJsonAsync(context, views, ApiJsonContext.Default.IReadOnlyListServiceNodeView).ConfigureAwait(false);
    }

    private static Task NodesAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var nodeMeta = NodeMetaFilter.Parse(context.Request);
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Nodes]).RespondAsync<IReadOnlyList<Node>>(
            context, options,
            state => filter.Where([.. state.Nodes.Values.Where(nodeMeta.Matches).Where(node => acl.Node(node.Name))], ApiJsonContext.Default.IReadOnlyListNode),
            ApiJsonContext.Default.IReadOnlyListNode);
    }

    private static Task NodeAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var name = Writes.Route(context, "node");
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Node(name)], WatchKeys.Nodes).RespondAsync<NodeServicesView?>(
            context, options,
            state => state.FindNode(name) is { } node && acl.Node(node.Name)
                ? new NodeServicesView(node, filter.Where([.. state.ServicesOnNode(name).Where(s => acl.Service(s.Service))], ApiJsonContext.Default.IReadOnlyListNodeService)
                    .ToDictionary(s => s.Id, StringComparer.Ordinal))
                : null,
            ApiJsonContext.Default.NodeServicesView!);
    }

    private static Task NodeServicesAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var name = Writes.Route(context, "node");
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.Node(name)], WatchKeys.Nodes).RespondAsync<NodeServiceListView?>(
            context, options,
            state => state.FindNode(name) is { } node && acl.Node(node.Name)
                ? new NodeServiceListView(node, filter.Where([.. state.ServicesOnNode(name).Where(s => acl.Service(s.Service))], ApiJsonContext.Default.IReadOnlyListNodeService))
                : null,
            ApiJsonContext.Default.NodeServiceListView!);
    }
}

/// <summary><c>?node-meta=key:value</c> (repeatable, all must match).</summary>
internal sealed class NodeMetaFilter
{
    private readonly List<(string Key, string Value)> _pairs;

    private NodeMetaFilter(List<(string Key, string Value)> pairs) => _pairs = pairs;

    public static NodeMetaFilter Parse(HttpRequest request)
    {
        var pairs = new List<(string, string)>();
        foreach (var item in request.Query["node-meta"])
        {
            if (string.IsNullOrEmpty(item))
            {
                continue;
            }

            var colon = item.IndexOf(':', StringComparison.Ordinal);
            pairs.Add(colon < 0 ? (item, string.Empty) : (item[..colon], item[(colon + 1)..]));
        }

        return new NodeMetaFilter(pairs);
    }

    public bool Matches(Node node)
        => _pairs.All(pair => node.Meta.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
