using Envoy.Config.Listener.V3;
using Google.Protobuf.WellKnownTypes;
using SniCluster = Envoy.Extensions.Filters.Network.SniCluster.V3.SniCluster;
using TlsInspector = Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector;

namespace Mesh.EnvoyResources;

/// <summary>
/// The pieces a gateway listener uses to route on a connection's TLS SNI: the tls_inspector listener filter that reads
/// it, and the chain that proxies a connection, TLS untouched, to the cluster its SNI names (sni_cluster, then tcp_proxy).
/// </summary>
internal static class SniRouting
{
    public const string TlsInspectorName = "envoy.filters.listener.tls_inspector";
    public const string SniClusterName = "envoy.filters.network.sni_cluster";

    public static ListenerFilter TlsInspectorFilter() => new() { Name = TlsInspectorName, TypedConfig = Any.Pack(new TlsInspector()) };

    /// <summary>The chain that proxies to the cluster the SNI names, with tcp_proxy's stat prefix.</summary>
    public static FilterChain SniClusterChain(string statPrefix) => new()
    {
        Filters =
        {
            new Filter { Name = SniClusterName, TypedConfig = Any.Pack(new SniCluster()) },
            NetworkFilters.TcpProxyFilter(statPrefix, string.Empty),
        },
    };
}
