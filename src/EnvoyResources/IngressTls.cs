using Envoy.Config.Core.V3;
using Mesh.Config.ConfigEntries;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// The TLS an ingress listener and its services present (Consul's <c>makeCommonTLSContextFromSnapshotListenerConfig</c>,
/// <c>resolveListenerTLSConfig</c> and <c>makeSDSOverrideFilterChains</c>): SDS settings merged field by field (gateway,
/// then listener), TLS versions and ciphers from the gateway unless the listener sets them. With a complete SDS setting
/// the certificate comes from SDS, even when TLS is also enabled; otherwise the mesh CA's leaf when TLS is enabled at
/// the gateway or the listener; otherwise none.
/// </summary>
internal static class IngressTls
{
    /// <summary>The listener's transport socket, or null for plain text.</summary>
    public static TransportSocket? Listener(ConfigSnapshot snapshot, IngressGatewaySnapshot ingress, IngressListenerSnapshot listener)
    {
        var merged = Merge(ingress.Tls, listener.Tls);
        if (merged.Sds is { } sds)
        {
            return TlsContexts.SdsDownstream(sds, TlsContexts.Parameters(Directional(merged)), listener.Protocol);
        }

        return listener.TlsEnabled(ingress.Tls) ? TlsContexts.IngressDownstream(snapshot, listener.Protocol, merged) : null;
    }

    /// <summary>
    /// A service's own certificate socket (its <c>TLS.SDS</c>), with empty TLS parameters as Consul's. A missing SDS
    /// cluster name is taken from the listener, then the gateway (validation accepts it there; Consul would send an
    /// empty cluster name).
    /// </summary>
    public static TransportSocket Service(IngressGatewaySnapshot ingress, IngressListenerSnapshot listener, IngressServiceSnapshot service)
    {
        var sds = service.Sds!;
        var cluster = FirstSet(sds.ClusterName, listener.Tls?.Sds?.ClusterName, ingress.Tls.Sds?.ClusterName);
        return TlsContexts.SdsDownstream(sds with { ClusterName = cluster }, new(), listener.Protocol);
    }

    /// <summary>
    /// Consul's <c>resolveListenerTLSConfig</c>. An SDS setting left incomplete after the merge (refused by validation)
    /// counts as none.
    /// </summary>
    internal static GatewayTlsConfig Merge(GatewayTlsConfig gateway, GatewayTlsConfig? listener)
    {
        var cluster = FirstSet(listener?.Sds?.ClusterName, gateway.Sds?.ClusterName);
        var cert = FirstSet(listener?.Sds?.CertResource, gateway.Sds?.CertResource);
        return new GatewayTlsConfig
        {
            Enabled = gateway.Enabled || listener?.Enabled == true,
            Sds = cluster.Length > 0 && cert.Length > 0 ? new GatewayTlsSdsConfig { ClusterName = cluster, CertResource = cert } : null,
            TlsMinVersion = FirstSet(listener?.TlsMinVersion, gateway.TlsMinVersion),
            TlsMaxVersion = FirstSet(listener?.TlsMaxVersion, gateway.TlsMaxVersion),
            CipherSuites = listener?.CipherSuites is { Count: > 0 } ciphers ? ciphers : gateway.CipherSuites,
        };
    }

    private static MeshDirectionalTlsConfig Directional(GatewayTlsConfig tls) => new()
    {
        TlsMinVersion = tls.TlsMinVersion,
        TlsMaxVersion = tls.TlsMaxVersion,
        CipherSuites = tls.CipherSuites,
    };

    private static string FirstSet(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrEmpty(value)) ?? string.Empty;
}
