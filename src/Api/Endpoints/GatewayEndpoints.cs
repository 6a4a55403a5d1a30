using Mesh.Api.Contracts;
using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Gateways;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/catalog/gateway-services/:gateway</c> (service:read on the gateway; rows filtered by service:read) and
/// <c>/v1/health/ingress/:service</c> (the ingress gateway instances that expose a service; service:read on it).
/// </summary>
public static class GatewayEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/catalog/gateway-services/{gateway}", context => GatewayServicesAsync(context, server));
        app.MapGet("/v1/health/ingress/{service}", context => IngressAsync(context, server));
    }

    private static Task GatewayServicesAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var gateway = Writes.Route(context, "gateway");
        Writes.Authorize(context, server, AclResource.Service, gateway, AclAccess.Read);
        var acl = AclReadFilter.For(context, server);
        string[] keys = [WatchKeys.ConfigEntry(IngressGatewayKind.KindName, gateway), WatchKeys.ConfigEntry(TerminatingGatewayKind.KindName, gateway)];
        return new BlockingQuery(server, keys, WatchKeys.Services).RespondAsync<IReadOnlyList<GatewayServiceView>>(
            context, options,
            state => filter.Where(
                [.. GatewayServiceTable.For(state, gateway).Where(row => acl.Service(row.Service)).Select(GatewayServiceView.From)],
                ApiJsonContext.Default.IReadOnlyListGatewayServiceView),
            ApiJsonContext.Default.IReadOnlyListGatewayServiceView);
    }

    private static Task IngressAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var service = Writes.Route(context, "service");
        Writes.Authorize(context, server, AclResource.Service, service, AclAccess.Read);
        var passingOnly = QueryOptions.Flag(context.Request, "passing");
        var acl = AclReadFilter.For(context, server);
        return new BlockingQuery(server, [WatchKeys.ConfigKind(IngressGatewayKind.KindName), WatchKeys.Kind(ServiceKind.IngressGateway), WatchKeys.Checks], WatchKeys.Services)
            .RespondAsync<IReadOnlyList<CheckServiceNodeView>>(
                context, options,
                state => filter.Where(
                    [.. IngressInstances(state, service)
                        .Where(row => acl.Instance(row.Node.Name, row.Service.Service))
                        .Where(row => !passingOnly || row.Checks.All(check => check.Status == HealthStatus.Passing))],
                    ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView),
                ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView);
    }

    /// <summary>Consul's <c>CheckIngressServiceNodes</c>: every ingress gateway instance whose gateway links the service.</summary>
    private static IEnumerable<CheckServiceNodeView> IngressInstances(StoreState state, string service)
        => GatewayServiceTable.GatewaysFor(state, service, ServiceKind.IngressGateway)
            .Select(row => row.Gateway)
            .Distinct(StringComparer.Ordinal)
            .SelectMany(gateway => HealthEndpoints.CheckServiceNodes(state, gateway, connect: false))
            .Where(row => row.Service.Kind == ServiceKind.IngressGateway);
}
