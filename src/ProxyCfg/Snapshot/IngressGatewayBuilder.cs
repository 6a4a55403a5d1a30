using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Gateways;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;

namespace Mesh.ProxyCfg;

/// <summary>
/// Consul's <c>handlerIngressGateway</c> as a pure build: the gateway's config entry, the gateway-services it yields
/// (wildcards expanded against the catalog), one upstream per exposed service with its compiled chain and endpoints
/// (the listener's protocol forced on the chain, as Consul's <c>makeUpstream</c>), and the gateway's own leaf.
/// The links are indexed once by (port, service) and wildcard links by port, so the build is linear in the services
/// (matching each entry service against every link made it quadratic).
/// </summary>
internal static class IngressGatewayBuilder
{
    public static (IngressGatewaySnapshot Gateway, ImmutableArray<UpstreamSnapshot> Upstreams) Build(UpstreamContext context, NodeService gateway)
    {
        var state = context.State;
        context.Reads?.Add(WatchKeys.ConfigEntry(IngressGatewayKind.KindName, gateway.Service));
        context.Reads?.Add(WatchKeys.Services);
        var entry = ServiceConfigMerge.Find(state, IngressGatewayKind.KindName, gateway.Service, context.Reads) is { } stored
            ? ConfigEntryKinds.IngressGateway.Read(stored)
            : null;
        var links = IngressLinks.Of(GatewayServiceTable.For(state, gateway.Service));

        var upstreams = new SortedDictionary<string, UpstreamSnapshot>(StringComparer.Ordinal);
        var listeners = new List<IngressListenerSnapshot>();
        foreach (var listener in (entry?.Listeners ?? []).OrderBy(listener => listener.Port))
        {
            // In the entry's order (a wildcard: every service it links on this port, by name).
            var services = new List<IngressServiceSnapshot>();
            foreach (var (service, link) in links.OnListener(listener))
            {
                var id = UpstreamId.ForService(link.Service);
                if (!upstreams.ContainsKey(id.EnvoyId))
                {
                    var registration = new Upstream
                    {
                        DestinationName = link.Service,
                        LocalBindPort = link.Port,
                        Config = new JsonBlob($$"""{"protocol":"{{link.Protocol}}"}"""),
                    };
                    if (context.Upstream(id, registration, registration.Config, context.Self.Datacenter, meshGatewayMode: string.Empty) is { } built)
                    {
                        upstreams[id.EnvoyId] = built;
                    }
                }

                if (upstreams.ContainsKey(id.EnvoyId))
                {
                    services.Add(new IngressServiceSnapshot(id, [.. link.Hosts], link.FromWildcard ? null : service.Tls?.Sds) { Settings = service });
                }
            }

            listeners.Add(new IngressListenerSnapshot(listener.Port, listener.Protocol ?? "tcp", listener.Tls, [.. services]));
        }

        var snapshot = new IngressGatewaySnapshot { Tls = entry?.Tls ?? new GatewayTlsConfig(), Listeners = [.. listeners], Defaults = entry?.Defaults };
        return (snapshot, [.. upstreams.Values]);
    }
}
