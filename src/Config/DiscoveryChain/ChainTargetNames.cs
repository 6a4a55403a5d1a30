namespace Mesh.Config.DiscoveryChain;

/// <summary>Target IDs and SNI names of a compiled chain (Consul's <c>chainID</c> and <c>connect.TargetSNI</c>).</summary>
public static class ChainTargetNames
{
    /// <summary><c>[subset.]svc.ns.ap.dc</c>, or <c>svc.ns.default.external.peer</c> for a peer's service.</summary>
    public static string Id(string service, string subset, string ns, string partition, string datacenter, string peer = "")
    {
        if (peer.Length > 0)
        {
            return $"{service}.{ns}.default.external.{peer}";
        }

        return subset.Length == 0
            ? $"{service}.{ns}.{partition}.{datacenter}"
            : $"{subset}.{service}.{ns}.{partition}.{datacenter}";
    }

    /// <summary>
    /// <c>[subset.]svc.ns.dc.internal.td</c>; in a non-default partition <c>[subset.]svc.ns.ap.dc.internal-v1.td</c>.
    /// </summary>
    public static string Sni(string service, string subset, string ns, string partition, string datacenter, string trustDomain)
    {
        var prefix = subset.Length == 0 ? string.Empty : subset + ".";
        return partition is "" or "default"
            ? $"{prefix}{service}.{ns}.{datacenter}.internal.{trustDomain}"
            : $"{prefix}{service}.{ns}.{partition}.{datacenter}.internal-v1.{trustDomain}";
    }
}
