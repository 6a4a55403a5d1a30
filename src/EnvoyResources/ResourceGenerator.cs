using System.Collections.Immutable;
using Google.Protobuf;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>Turns a proxy snapshot into its Envoy clusters, endpoints, listeners and routes (Consul's <c>ResourceGenerator</c>).</summary>
public static class ResourceGenerator
{
    public static EnvoyResourceSet Generate(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Kind == ServiceKind.IngressGateway)
        {
            return IngressGateway(snapshot);
        }

        if (snapshot.Kind == ServiceKind.TerminatingGateway)
        {
            return TerminatingGatewayResources.Generate(snapshot);
        }

        if (snapshot.Kind == ServiceKind.MeshGateway)
        {
            return MeshGatewayResources.Generate(snapshot);
        }

        if (snapshot.Kind == ServiceKind.ApiGateway)
        {
            return ApiGatewayResources.Generate(snapshot);
        }

        if (snapshot.Kind != ServiceKind.ConnectProxy)
        {
            throw new NotSupportedException($"resources for {snapshot.Kind} proxies are not generated yet");
        }

        var options = ProxyConfigOptions.Parse(snapshot.Proxy.Config);
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, IMessage>>(StringComparer.Ordinal);
        byType[XdsTypeUrls.Cluster] = ByName(ClusterGenerator.Generate(snapshot, options), c => c.Name);
        byType[XdsTypeUrls.ClusterLoadAssignment] = ByName(EndpointGenerator.Generate(snapshot), e => e.ClusterName);
        byType[XdsTypeUrls.Listener] = ByName(ListenerGenerator.Generate(snapshot, options), l => l.Name);
        byType[XdsTypeUrls.RouteConfiguration] = ByName(RouteGenerator.Generate(snapshot), r => r.Name);
        return new EnvoyResourceSet(byType.ToImmutable());
    }

    /// <summary>An ingress gateway: the exposed services' clusters and endpoints, listeners by port, routes for HTTP listeners.</summary>
    private static EnvoyResourceSet IngressGateway(ConfigSnapshot snapshot)
    {
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, IMessage>>(StringComparer.Ordinal);
        byType[XdsTypeUrls.Cluster] = ByName(ClusterGenerator.Upstreams(snapshot), c => c.Name);
        byType[XdsTypeUrls.ClusterLoadAssignment] = ByName(EndpointGenerator.Generate(snapshot), e => e.ClusterName);
        byType[XdsTypeUrls.Listener] = ByName(IngressListeners.Generate(snapshot), l => l.Name);
        byType[XdsTypeUrls.RouteConfiguration] = ByName(IngressRoutes.Generate(snapshot), r => r.Name);
        return new EnvoyResourceSet(byType.ToImmutable());
    }

    /// <summary>
    /// Only the endpoints (ClusterLoadAssignments) of a snapshot: when nothing but endpoints changed since the last
    /// snapshot, the xDS server regenerates these and keeps the rest.
    /// </summary>
    public static ImmutableSortedDictionary<string, IMessage> GenerateEndpoints(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return ByName(snapshot.MeshGateway is null ? EndpointGenerator.Generate(snapshot) : MeshGatewayEndpoints.Generate(snapshot), e => e.ClusterName);
    }

    /// <summary>Resources by name; when two upstreams share a cluster, the first one generated is kept (as Consul does).</summary>
    private static ImmutableSortedDictionary<string, IMessage> ByName<T>(IEnumerable<T> resources, Func<T, string> name)
        where T : IMessage
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, IMessage>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            builder.TryAdd(name(resource), resource);
        }

        return builder.ToImmutable();
    }
}
