using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>
/// Consul's <c>handlerAPIGateway</c> as a pure build. Binding is decided here with the rules the status controller
/// reports (<see cref="ApiGatewayBinding"/>; Mesh writes no <c>bound-api-gateway</c> entry): an http-route binds to each
/// http listener of the gateway that one of its parents names, a tcp-route to each such tcp listener; a listener presents the inline certificates its TLS references. Every routed
/// service is an upstream with its compiled chain (the listener's protocol forced on it) and endpoints.
/// </summary>
internal static class ApiGatewayBuilder
{
    public static ConfigSnapshot Build(
        StoreState state, ProxyId id, NodeService gateway, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, BuildScope scope)
    {
        var reads = scope.Reads;
        var context = new UpstreamContext(state, self, gateway.Service, scope);
        var entry = ServiceConfigMerge.Find(state, ApiGatewayKind.KindName, gateway.Service, reads) is { } stored
            ? ConfigEntryKinds.ApiGateway.Read(stored)
            : null;
        reads?.Add(WatchKeys.ConfigKind(HttpRouteKind.KindName));
        reads?.Add(WatchKeys.ConfigKind(TcpRouteKind.KindName));
        reads?.Add(WatchKeys.ConfigKind(InlineCertificateKind.KindName));
        var httpRoutes = state.ConfigEntriesOfKind(HttpRouteKind.KindName).Select(ConfigEntryKinds.HttpRoute.Read).ToList();
        var tcpRoutes = state.ConfigEntriesOfKind(TcpRouteKind.KindName).Select(ConfigEntryKinds.TcpRoute.Read).ToList();

        var upstreams = new SortedDictionary<string, UpstreamSnapshot>(StringComparer.Ordinal);
        var listeners = ImmutableArray.CreateBuilder<ApiGatewayListenerSnapshot>();
        foreach (var listener in entry?.Listeners ?? [])
        {
            var name = listener.Name ?? string.Empty;
            var protocol = ApiGatewayBinding.ProtocolOf(listener);
            var boundHttp = protocol == ApiGatewayBinding.Http
                ? httpRoutes.Where(route => ApiGatewayBinding.Binds(route.Parents, gateway.Service, name)).OrderBy(route => route.Name, StringComparer.Ordinal).ToList()
                : [];
            var boundTcp = protocol == ApiGatewayBinding.Tcp
                ? tcpRoutes.Where(route => ApiGatewayBinding.Binds(route.Parents, gateway.Service, name)).OrderBy(route => route.Name, StringComparer.Ordinal).ToList()
                : [];
            var services = boundHttp.SelectMany(route => route.Rules ?? []).SelectMany(rule => rule.Services ?? []).Select(service => service.Name)
                .Concat(boundTcp.SelectMany(route => route.Services ?? []).Select(service => service.Name))
                .OfType<string>()
                .Where(service => service.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var tcpServices = ImmutableArray.CreateBuilder<UpstreamId>();
            foreach (var service in services)
            {
                var upstreamId = UpstreamId.ForService(service);
                if (!upstreams.ContainsKey(upstreamId.EnvoyId))
                {
                    var registration = new Upstream
                    {
                        DestinationName = service,
                        LocalBindPort = listener.Port,
                        Config = new JsonBlob($$"""{"protocol":"{{protocol}}"}"""),
                    };
                    if (context.Upstream(upstreamId, registration, registration.Config, self.Datacenter, meshGatewayMode: string.Empty) is { } built)
                    {
                        upstreams[upstreamId.EnvoyId] = built;
                    }
                }

                if (protocol == ApiGatewayBinding.Tcp && upstreams.ContainsKey(upstreamId.EnvoyId))
                {
                    tcpServices.Add(upstreamId);
                }
            }

            listeners.Add(new ApiGatewayListenerSnapshot(
                name, listener.Port, protocol, listener.Hostname ?? string.Empty, listener.Tls, Certificates(state, listener.Tls, reads), [.. boundHttp], tcpServices.ToImmutable()));
        }

        return ProxySnapshotFields.Of(ServiceKind.ApiGateway, state, id, gateway, leaf, self, ca, roots, reads) with
        {
            Upstreams = [.. upstreams.Values],
            ApiGateway = new ApiGatewaySnapshot { Listeners = listeners.ToImmutable() },
        };
    }

    private static ImmutableArray<InlineCertificateSnapshot> Certificates(StoreState state, ApiGatewayTlsConfiguration? tls, ISet<string>? reads)
    {
        var certificates = ImmutableArray.CreateBuilder<InlineCertificateSnapshot>();
        foreach (var reference in tls?.Certificates ?? [])
        {
            if (reference.Name is { Length: > 0 } name
                && (string.IsNullOrEmpty(reference.Kind) || reference.Kind == InlineCertificateKind.KindName)
                && ServiceConfigMerge.Find(state, InlineCertificateKind.KindName, name, reads) is { } stored)
            {
                var certificate = ConfigEntryKinds.InlineCertificate.Read(stored);
                certificates.Add(new InlineCertificateSnapshot(name, certificate.Certificate ?? string.Empty, certificate.PrivateKey ?? string.Empty));
            }
        }

        return certificates.ToImmutable();
    }
}
