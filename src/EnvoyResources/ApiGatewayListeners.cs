using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.TcpProxy.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.ConfigEntries;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// An API gateway's listeners (Consul's ingress listeners of the gateway's synthesized ingress, with inline
/// certificates): OUTBOUND, on each bind address at the listener's port. An http listener is <c>http:&lt;addr&gt;:&lt;port&gt;</c>
/// with an HTTP connection manager and RDS named after the port; a tcp listener is its routed service's upstream
/// listener (<c>&lt;svc&gt;:&lt;addr&gt;:&lt;port&gt;</c>, tcp_proxy). With certificates: tls_inspector, and one filter chain per
/// certificate presenting it (no client certificate; stat prefix <c>ingress_upstream_&lt;certificate&gt;</c>; matched on the
/// certificate's DNS names when there are several). A listener with nothing bound has no Envoy listener.
/// </summary>
internal static class ApiGatewayListeners
{
    public static IEnumerable<Listener> Generate(ConfigSnapshot snapshot)
    {
        var gateway = snapshot.ApiGateway!;
        var upstreams = snapshot.Upstreams.ToDictionary(upstream => upstream.Id.EnvoyId, StringComparer.Ordinal);
        foreach (var address in GatewayBinds.Addresses(snapshot))
        {
            foreach (var listener in gateway.Listeners)
            {
                if (Make(listener, upstreams, address) is { } made)
                {
                    yield return made;
                }
            }
        }
    }

    private static Listener? Make(ApiGatewayListenerSnapshot listener, Dictionary<string, UpstreamSnapshot> upstreams, string address)
    {
        Listener made;
        Func<string, FilterChain> chain;
        if (listener.Protocol == "http")
        {
            if (listener.HttpRoutes.IsEmpty)
            {
                return null;
            }

            var port = listener.Port.ToString(CultureInfo.InvariantCulture);
            made = ListenerGenerator.Make("http", address, listener.Port, TrafficDirection.Outbound);
            chain = statName => new FilterChain
            {
                Filters =
                {
                    NetworkFilters.ConnectionManager(new HttpFilterOptions
                    {
                        Protocol = "http",
                        FilterName = statName,
                        StatPrefix = "ingress_upstream_",
                        RouteName = port,
                        UseRds = true,
                    }),
                },
            };
        }
        else
        {
            if (listener.TcpServices.IsEmpty || !upstreams.TryGetValue(listener.TcpServices[0].EnvoyId, out var upstream)
                || UpstreamListeners.FilterChain(upstream) is not { } tcp)
            {
                return null;
            }

            made = ListenerGenerator.Make(upstream.Id.EnvoyId, address, listener.Port, TrafficDirection.Outbound);
            chain = statName => statName.Length == 0 ? tcp.Clone() : WithStatPrefix(tcp, "ingress_upstream_" + statName);
        }

        if (listener.Certificates.IsEmpty)
        {
            made.FilterChains.Add(chain(listener.Protocol == "http" ? listener.Port.ToString(CultureInfo.InvariantCulture) : string.Empty));
            return made;
        }

        made.ListenerFilters.Add(SniRouting.TlsInspectorFilter());
        foreach (var certificate in listener.Certificates)
        {
            var filterChain = chain(certificate.Name);
            filterChain.TransportSocket = Downstream(listener, certificate);
            if (listener.Certificates.Length > 1 && DnsNames(certificate) is { Count: > 0 } names)
            {
                filterChain.FilterChainMatch = new FilterChainMatch { ServerNames = { names } };
            }

            made.FilterChains.Add(filterChain);
        }

        return made;
    }

    private static FilterChain WithStatPrefix(FilterChain tcp, string statPrefix)
    {
        var copy = tcp.Clone();
        foreach (var filter in copy.Filters.Where(filter => filter.Name == NetworkFilters.TcpProxyName))
        {
            var proxy = filter.TypedConfig.Unpack<TcpProxy>();
            proxy.StatPrefix = statPrefix;
            filter.TypedConfig = Any.Pack(proxy);
        }

        return copy;
    }

    /// <summary>The certificate and key, ALPN by protocol, the listener's TLS versions and ciphers; no client certificate.</summary>
    private static TransportSocket Downstream(ApiGatewayListenerSnapshot listener, InlineCertificateSnapshot certificate)
    {
        var common = new CommonTlsContext
        {
            TlsParams = TlsContexts.Parameters(listener.Tls is null ? null : new MeshDirectionalTlsConfig
            {
                TlsMinVersion = listener.Tls.MinVersion,
                TlsMaxVersion = listener.Tls.MaxVersion,
                CipherSuites = listener.Tls.CipherSuites,
            }),
            TlsCertificates =
            {
                new TlsCertificate
                {
                    CertificateChain = new DataSource { InlineString = WithTrailingNewline(certificate.Certificate) },
                    PrivateKey = new DataSource { InlineString = WithTrailingNewline(certificate.PrivateKey) },
                },
            },
        };
        common.AlpnProtocols.AddRange(TlsContexts.AlpnProtocols(listener.Protocol));
        var context = new DownstreamTlsContext { CommonTlsContext = common, RequireClientCertificate = false };
        return new TransportSocket { Name = TlsContexts.TransportSocketName, TypedConfig = Any.Pack(context) };
    }

    private static List<string> DnsNames(InlineCertificateSnapshot certificate)
    {
        try
        {
            using var parsed = X509Certificate2.CreateFromPem(certificate.Certificate);
            return [.. parsed.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames()).Distinct(StringComparer.Ordinal)];
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return [];
        }
    }

    private static string WithTrailingNewline(string pem) => pem.EndsWith('\n') ? pem : pem + "\n";
}
