using Mesh.Config.DiscoveryChain;

namespace Mesh.EnvoyResources;

/// <summary>Names Consul gives Envoy resources (<c>envoyextensions/xdscommon</c>, <c>agent/xds/naming</c>).</summary>
internal static class ResourceNames
{
    public const string PublicListener = "public_listener";
    public const string OutboundListener = "outbound_listener";
    public const string LocalApp = "local_app";
    public const string OriginalDestination = "original-destination";
    public const string FailoverPrefix = "failover-target~";

    /// <summary><c>iptables.DefaultTProxyOutboundPort</c>.</summary>
    public const int DefaultOutboundPort = 15001;

    /// <summary><c>makeListener</c>: <c>name:address:port</c>.</summary>
    public static string Listener(string name, string address, int port) => $"{name}:{address}:{port}";

    /// <summary>A chain target's cluster (and EDS) name: its SNI, behind the customization hash when overrides changed the chain.</summary>
    public static string Cluster(CompiledDiscoveryChain chain, DiscoveryTarget target)
        => chain.CustomizationHash.Length > 0 ? chain.CustomizationHash + "~" + target.Name : target.Name;

    public static string FailoverCluster(int index, string baseName) => $"{FailoverPrefix}{index}~{baseName}";

    /// <summary>Upstream filters' stat prefix suffix and default virtual host: <c>svc.ns.partition.dc</c>.</summary>
    public static string ChainFilterName(CompiledDiscoveryChain chain)
        => $"{chain.ServiceName}.{chain.Namespace}.{chain.Partition}.{chain.Datacenter}";

    /// <summary>A service's SPIFFE ID (<c>connect.SpiffeIDService</c>); the partition appears only when not default.</summary>
    public static string SpiffeId(string trustDomain, string partition, string ns, string datacenter, string service)
    {
        var ap = partition is "" or "default" ? string.Empty : "/ap/" + partition;
        return $"spiffe://{trustDomain}{ap}/ns/{ns}/dc/{datacenter}/svc/{service}";
    }
}
