using System.Net;
using System.Net.Sockets;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Mesh.Config.ConfigEntries;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>Upstream listeners and the transparent outbound listener's filter chains (Consul's <c>makeUpstreamFilterChain</c>).</summary>
internal static class UpstreamListeners
{
    /// <summary>
    /// <c>&lt;EnvoyId&gt;:&lt;bind address&gt;:&lt;port&gt;</c>, default bind address 127.0.0.1; access logs on ours, not
    /// on an escape-hatch listener (as Consul).
    /// </summary>
    public static Listener? Explicit(UpstreamSnapshot upstream, AccessLogsConfig? accessLogs)
    {
        // envoy_listener_json: the user's listener replaces ours as given (Consul's escape hatch).
        var options = UpstreamConfigOptions.Parse(upstream.Config?.Config);
        if (options.ListenerJson.Length > 0 && EscapeHatch.Parse<Listener>(options.ListenerJson) is { } custom)
        {
            return custom;
        }

        if (FilterChain(upstream) is not { } chain)
        {
            return null;
        }

        var config = upstream.Config!;
        var address = config.LocalBindAddress.Length > 0 ? config.LocalBindAddress : "127.0.0.1";
        var listener = ListenerGenerator.Make(upstream.Id.EnvoyId, address, config.LocalBindPort, TrafficDirection.Outbound);
        listener.FilterChains.Add(chain);
        AccessLogging.Apply(listener, accessLogs);
        return listener;
    }

    /// <summary>
    /// A filter chain of the outbound listener matching the upstream's virtual IPs (instances' <c>virtual</c> tagged
    /// addresses and the chain's manual VIPs); none when it has no address to match.
    /// </summary>
    public static FilterChain? OutboundChain(UpstreamSnapshot upstream)
    {
        var addresses = upstream.Chain.ManualVirtualIPs
            .Concat(upstream.Endpoints.Values.SelectMany(e => e).Select(e => e.VirtualAddress))
            .Where(a => a.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (addresses.Count == 0 || FilterChain(upstream) is not { } chain)
        {
            return null;
        }

        chain.FilterChainMatch = new FilterChainMatch();
        foreach (var address in addresses)
        {
            var v6 = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;
            chain.FilterChainMatch.PrefixRanges.Add(new CidrRange { AddressPrefix = address, PrefixLen = v6 ? 128u : 32u });
        }

        return chain;
    }

    /// <summary>Sorts the chains by their first prefix, and adds the pass-through default unless the mesh forbids it.</summary>
    public static void FinishOutbound(ConfigSnapshot snapshot, Listener outbound)
    {
        var sorted = outbound.FilterChains.OrderBy(c => c.FilterChainMatch.PrefixRanges[0].AddressPrefix, StringComparer.Ordinal).ToList();
        outbound.FilterChains.Clear();
        outbound.FilterChains.AddRange(sorted);
        if (snapshot.Mesh?.TransparentProxy?.MeshDestinationsOnly != true)
        {
            outbound.DefaultFilterChain = new FilterChain
            {
                Filters = { NetworkFilters.TcpProxyFilter("upstream." + ResourceNames.OriginalDestination, ResourceNames.OriginalDestination) },
            };
        }
    }

    /// <summary>tcp_proxy to the chain's cluster, or an HTTP connection manager with an inline route or RDS.</summary>
    public static FilterChain? FilterChain(UpstreamSnapshot upstream)
    {
        var useRds = UpstreamRouting.UsesRds(upstream);
        var cluster = useRds ? string.Empty : UpstreamRouting.SimpleCluster(upstream.Chain);
        if (cluster is null)
        {
            return null; // a router/splitter start over tcp cannot be expressed (Consul fails the listener)
        }

        var protocol = UpstreamRouting.Protocol(upstream);
        if (useRds && !NetworkFilters.IsHttpLike(protocol))
        {
            return null;
        }

        var filter = NetworkFilters.ForProtocol(new HttpFilterOptions
        {
            Protocol = protocol,
            FilterName = ResourceNames.ChainFilterName(upstream.Chain),
            StatPrefix = "upstream.",
            RouteName = upstream.Id.EnvoyId,
            Cluster = cluster,
            UseRds = useRds,
        });
        return new FilterChain { Filters = { filter } };
    }
}
