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
        var links = GatewayServiceTable.For(state, gateway.Service).Where(row => row.GatewayKind == ServiceKind.IngressGateway).ToList();

        var upstreams = new SortedDictionary<string, UpstreamSnapshot>(StringComparer.Ordinal);
        var listeners = new List<IngressListenerSnapshot>();
        foreach (var listener in (entry?.Listeners ?? []).OrderBy(listener => listener.Port))
        {
            // In the entry's order (a wildcard: every service it links on this port, by name).
            var services = new List<IngressServiceSnapshot>();
            var onPort = links.Where(link => link.Port == listener.Port).ToList();
            var ordered = (listener.Services ?? []).SelectMany(service => service.Name == "*"
                ? onPort.Where(link => link.FromWildcard)
                : onPort.Where(link => !link.FromWildcard && link.Service == service.Name));
            foreach (var link in ordered)
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
                    services.Add(new IngressServiceSnapshot(id, [.. link.Hosts]));
                }
            }

            listeners.Add(new IngressListenerSnapshot(listener.Port, listener.Protocol ?? "tcp", listener.Tls, [.. services]));
        }

        var snapshot = new IngressGatewaySnapshot { Tls = entry?.Tls ?? new GatewayTlsConfig(), Listeners = [.. listeners] };
        return (snapshot, [.. upstreams.Values]);
    }
}
