using System.Net;
using Mesh.Config.DiscoveryChain;
using Mesh.Config.Durations;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>One cluster a terminating gateway has for a linked service: the service's own (subset <c>""</c>) or a resolver subset's.</summary>
internal sealed record LinkedServiceCluster(TerminatingServiceSnapshot Service, string Subset, string Name)
{
    /// <summary>The subset's instances (all of them for the service's own cluster).</summary>
    public IReadOnlyList<UpstreamEndpoint> Endpoints => Service.Endpoints.TryGetValue(Subset, out var found) ? found : [];

    public bool OnlyPassing => Subset.Length > 0 && Service.Resolver?.Subsets?.GetValueOrDefault(Subset)?.OnlyPassing == true;
}

/// <summary>
/// What the terminating gateway's clusters, endpoints, listener and routes share (Consul's <c>ServiceGroups</c>,
/// <c>HostnameServices</c> and <c>ValidServices</c>): only a linked service with at least one instance is served; its
/// clusters are named by its mesh SNI (<c>[subset.]svc.default.dc.internal.td</c>), its own then one per resolver subset;
/// instances addressed by hostname are sent by DNS, and a service with any such instance uses only those.
/// </summary>
internal static class LinkedServiceClusters
{
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The linked services that have instances, by name.</summary>
    public static IEnumerable<TerminatingServiceSnapshot> Served(ConfigSnapshot snapshot)
        => snapshot.TerminatingGateway!.Services.Where(service => service.Instances.Length > 0);

    /// <summary>The service's own cluster, then one per resolver subset (by subset name).</summary>
    public static IEnumerable<LinkedServiceCluster> Of(ConfigSnapshot snapshot, TerminatingServiceSnapshot service)
    {
        yield return new LinkedServiceCluster(service, string.Empty, Name(snapshot, service.Name, string.Empty));
        foreach (var subset in (service.Resolver?.Subsets ?? []).Keys.Order(StringComparer.Ordinal))
        {
            yield return new LinkedServiceCluster(service, subset, Name(snapshot, service.Name, subset));
        }
    }

    public static string Name(ConfigSnapshot snapshot, string service, string subset)
        => ChainTargetNames.Sni(service, subset, "default", "default", snapshot.Datacenter, snapshot.TrustDomain);

    /// <summary>The instances addressed by a hostname rather than an IP (Consul's <c>hostnameEndpoints</c>).</summary>
    public static List<UpstreamEndpoint> Hostnames(IEnumerable<UpstreamEndpoint> endpoints) => [.. endpoints.Where(endpoint => !IsIp(endpoint.Address))];

    /// <summary>The resolver's connect timeout, or 5s.</summary>
    public static TimeSpan ConnectTimeout(TerminatingServiceSnapshot service)
        => GoDuration.TryParse(service.Resolver?.ConnectTimeout, out var timeout) && timeout > TimeSpan.Zero ? timeout : DefaultConnectTimeout;

    /// <summary>The resolver's request timeout, or zero.</summary>
    public static TimeSpan RequestTimeout(TerminatingServiceSnapshot service)
        => GoDuration.TryParse(service.Resolver?.RequestTimeout, out var timeout) && timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero;

    /// <summary>Go's <c>net.ParseIP</c>: a dotted quad or an IPv6 address (.NET alone would also take <c>"10"</c> or <c>"1.2"</c>).</summary>
    private static bool IsIp(string address)
        => IPAddress.TryParse(address, out _) && (address.Contains(':', StringComparison.Ordinal) || address.Count(c => c == '.') == 3);
}
