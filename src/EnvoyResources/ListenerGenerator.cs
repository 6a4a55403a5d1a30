using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.ProxyCfg;
using OriginalDst = Envoy.Extensions.Filters.Listener.OriginalDst.V3.OriginalDst;

namespace Mesh.EnvoyResources;

/// <summary>
/// A connect-proxy's listeners (Consul's <c>listenersFromSnapshotConnectProxy</c>): the mTLS public listener in front
/// of the local app, one listener per upstream with a local port, and in transparent mode the outbound listener.
/// </summary>
internal static class ListenerGenerator
{
    public static IEnumerable<Listener> Generate(ConfigSnapshot snapshot, ProxyConfigOptions options)
    {
        yield return Public(snapshot, options);

        Listener? outbound = snapshot.IsTransparent ? Outbound(snapshot) : null;
        foreach (var upstream in snapshot.Upstreams)
        {
            if (UpstreamRouting.HasListener(upstream))
            {
                if (UpstreamListeners.Explicit(upstream, snapshot.AccessLogs) is { } listener)
                {
                    yield return listener;
                }
            }
            else if (outbound is not null && UpstreamListeners.OutboundChain(upstream) is { } chain)
            {
                outbound.FilterChains.Add(chain);
            }
        }

        if (outbound is not null)
        {
            UpstreamListeners.FinishOutbound(snapshot, outbound);
            if (outbound.FilterChains.Count > 0 || outbound.DefaultFilterChain is not null)
            {
                AccessLogging.Apply(outbound, snapshot.AccessLogs);
                yield return outbound;
            }
        }
    }

    /// <summary>
    /// Consul's handling of <c>envoy_public_listener_json</c>: the user's listener, with the network RBAC filter from
    /// intentions put first in every filter chain and the mesh's mTLS as every chain's transport socket, so an escape
    /// hatch cannot open the service to unauthenticated or unauthorized callers.
    /// </summary>
    private static Listener SecureCustomPublic(ConfigSnapshot snapshot, ProxyConfigOptions options, Listener custom)
    {
        foreach (var chain in custom.FilterChains)
        {
            chain.Filters.Insert(0, RbacGenerator.NetworkFilter(snapshot.Intentions, snapshot.IntentionDefaultAllow, snapshot.TrustDomain));
            chain.TransportSocket = TlsContexts.Downstream(snapshot, options.Protocol);
        }

        return custom;
    }

    /// <summary><c>makeInboundListener</c>: service address (or 0.0.0.0) and port unless bind_address/bind_port say otherwise.</summary>
    private static Listener Public(ConfigSnapshot snapshot, ProxyConfigOptions options)
    {
        if (options.PublicListenerJson.Length > 0 && EscapeHatch.Parse<Listener>(options.PublicListenerJson) is { } custom)
        {
            return SecureCustomPublic(snapshot, options, custom);
        }

        var address = options.BindAddress.Length > 0 ? options.BindAddress : snapshot.Address.Length > 0 ? snapshot.Address : "0.0.0.0";
        var port = options.BindPort > 0 ? options.BindPort : snapshot.Port;
        var listener = Make(ResourceNames.PublicListener, address, port, TrafficDirection.Inbound);

        var useHttp = NetworkFilters.IsHttpLike(options.Protocol);
        var chain = new FilterChain { TransportSocket = TlsContexts.Downstream(snapshot, options.Protocol) };
        if (useHttp)
        {
            var authz = new List<HttpFilter> { RbacGenerator.HttpFilter(snapshot.Intentions, snapshot.IntentionDefaultAllow, snapshot.TrustDomain) };

            // Consul forwards the client certificate (and parses it into metadata) unless the mesh sanitizes XFCC; not for gRPC.
            var forward = snapshot.Mesh?.Http?.SanitizeXForwardedClientCert != true && options.Protocol != "grpc";
            if (forward)
            {
                authz.Add(NetworkFilters.XfccToMetadata());
            }

            var normalization = snapshot.Mesh?.Http?.Incoming?.RequestNormalization;
            chain.Filters.Add(NetworkFilters.ConnectionManager(new HttpFilterOptions
            {
                Protocol = options.Protocol,
                FilterName = ResourceNames.PublicListener,
                StatPrefix = string.Empty,
                RouteName = ResourceNames.PublicListener,
                Cluster = ResourceNames.LocalApp,
                RequestTimeout = options.LocalRequestTimeout,
                IdleTimeout = options.LocalIdleTimeout,
                AuthzFilters = authz,
                ForwardClientCertificate = forward,
                NormalizePath = normalization?.InsecureDisablePathNormalization != true,
                MergeSlashes = normalization?.MergeSlashes == true,
            }));
        }
        else
        {
            chain.Filters.Add(RbacGenerator.NetworkFilter(snapshot.Intentions, snapshot.IntentionDefaultAllow, snapshot.TrustDomain));
            chain.Filters.Add(NetworkFilters.TcpProxyFilter(ResourceNames.PublicListener, ResourceNames.LocalApp));
        }

        listener.FilterChains.Add(chain);
        AccessLogging.Apply(listener, snapshot.AccessLogs);
        return listener;
    }

    /// <summary><c>outbound_listener:127.0.0.1:15001</c> (or the proxy's outbound port), recovering the original destination.</summary>
    private static Listener Outbound(ConfigSnapshot snapshot)
    {
        var port = snapshot.Proxy.TransparentProxy.OutboundListenerPort > 0 ? snapshot.Proxy.TransparentProxy.OutboundListenerPort : ResourceNames.DefaultOutboundPort;
        var listener = Make(ResourceNames.OutboundListener, "127.0.0.1", port, TrafficDirection.Outbound);
        listener.ListenerFilters.Add(new ListenerFilter { Name = "envoy.filters.listener.original_dst", TypedConfig = Any.Pack(new OriginalDst()) });
        return listener;
    }

    public static Listener Make(string name, string address, int port, TrafficDirection direction) => new()
    {
        Name = ResourceNames.Listener(name, address, port),
        Address = Addresses.Socket(address, port),
        TrafficDirection = direction,
    };
}
