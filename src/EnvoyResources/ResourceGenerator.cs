using System.Collections.Immutable;
using Google.Protobuf;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>Turns a proxy snapshot into its Envoy clusters, endpoints, listeners and routes (Consul's <c>ResourceGenerator</c>).</summary>
public static class ResourceGenerator
{
    public static EnvoyResourceSet Generate(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Kind switch
        {
            ServiceKind.ConnectProxy => ConnectProxy(snapshot),

            // An ingress gateway: the exposed services' clusters and endpoints, listeners by port, routes for HTTP listeners.
            ServiceKind.IngressGateway => EnvoyResourceSet.From(
                ClusterGenerator.Upstreams(snapshot), EndpointGenerator.Generate(snapshot), AccessLogging.ApplyToEach(IngressListeners.Generate(snapshot), snapshot.AccessLogs), IngressRoutes.Generate(snapshot)),

            // A terminating gateway: its linked services' clusters and endpoints, its listener, HTTP services' routes.
            ServiceKind.TerminatingGateway => EnvoyResourceSet.From(
                TerminatingGatewayClusters.Generate(snapshot),
                TerminatingGatewayEndpoints.Generate(snapshot),
                AccessLogging.ApplyToEach(TerminatingGatewayListeners.Generate(snapshot), snapshot.AccessLogs),
                TerminatingGatewayRoutes.Generate(snapshot)),

            // A mesh gateway: clusters, endpoints and SNI listeners; it has no routes.
            ServiceKind.MeshGateway => EnvoyResourceSet.From(
                MeshGatewayClusters.Generate(snapshot), MeshGatewayEndpoints.Generate(snapshot), AccessLogging.ApplyToEach(MeshGatewayListeners.Generate(snapshot), snapshot.AccessLogs), []),

            // An API gateway: the routed services' clusters and endpoints, listeners, routes for http listeners.
            ServiceKind.ApiGateway => EnvoyResourceSet.From(
                ClusterGenerator.Upstreams(snapshot), EndpointGenerator.Generate(snapshot), AccessLogging.ApplyToEach(ApiGatewayListeners.Generate(snapshot), snapshot.AccessLogs), ApiGatewayRoutes.Generate(snapshot)),

            _ => throw new NotSupportedException($"resources for {snapshot.Kind} proxies are not generated yet"),
        };
    }

    /// <summary>
    /// Only the endpoints (ClusterLoadAssignments) of a snapshot: when nothing but endpoints changed since the last
    /// snapshot, the xDS server regenerates these and keeps the rest.
    /// </summary>
    public static ImmutableSortedDictionary<string, IMessage> GenerateEndpoints(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return EnvoyResourceSet.ByName(snapshot.MeshGateway is null ? EndpointGenerator.Generate(snapshot) : MeshGatewayEndpoints.Generate(snapshot), e => e.ClusterName);
    }

    /// <summary>A sidecar: its upstreams' and local app's clusters, endpoints, listeners and routes, shaped by its proxy config.</summary>
    private static EnvoyResourceSet ConnectProxy(ConfigSnapshot snapshot)
    {
        var options = ProxyConfigOptions.Parse(snapshot.Proxy.Config);
        return EnvoyResourceSet.From(
            ClusterGenerator.Generate(snapshot, options), EndpointGenerator.Generate(snapshot), ListenerGenerator.Generate(snapshot, options), RouteGenerator.Generate(snapshot));
    }
}
