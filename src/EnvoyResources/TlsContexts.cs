using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.ConfigEntries;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// The mTLS transport sockets of Consul's <c>makeCommonTLSContext</c>: the leaf and the trusted roots inline (no SDS),
/// TLS parameters from the mesh entry, SAN matching on upstreams and a required client certificate on the public listener.
/// </summary>
internal static class TlsContexts
{
    public const string TransportSocketName = "tls";

    /// <summary>The public listener's socket: ALPN by protocol, client certificate required.</summary>
    public static TransportSocket Downstream(ConfigSnapshot snapshot, string protocol)
    {
        var common = Common(snapshot, snapshot.Mesh?.Tls?.Incoming);
        common.AlpnProtocols.AddRange(AlpnProtocols(protocol));
        var context = new DownstreamTlsContext { CommonTlsContext = common, RequireClientCertificate = true };
        return new TransportSocket { Name = TransportSocketName, TypedConfig = Any.Pack(context) };
    }

    /// <summary>
    /// An ingress listener's socket (Consul's <c>makeDownstreamTLSContextFromSnapshotListenerConfig</c> with the mesh CA):
    /// the gateway's leaf, the Connect roots as trusted CA, ALPN by protocol, no client certificate required.
    /// </summary>
    public static TransportSocket IngressDownstream(ConfigSnapshot snapshot, string protocol, GatewayTlsConfig? tls)
    {
        var common = Common(snapshot, tls is null ? null : new MeshDirectionalTlsConfig
        {
            TlsMinVersion = tls.TlsMinVersion,
            TlsMaxVersion = tls.TlsMaxVersion,
            CipherSuites = tls.CipherSuites,
        });
        common.AlpnProtocols.AddRange(AlpnProtocols(protocol));
        var context = new DownstreamTlsContext { CommonTlsContext = common, RequireClientCertificate = false };
        return new TransportSocket { Name = TransportSocketName, TypedConfig = Any.Pack(context) };
    }

    /// <summary>
    /// An ingress socket whose certificate comes from SDS (Consul's <c>makeCommonTLSContextFromGatewayTLSConfig</c> and
    /// <c>makeTLSCertificateSdsSecretConfigsFromSDS</c>): the secret named by the cert resource, fetched over gRPC from
    /// the SDS cluster (transport v3, 5s timeout), the given TLS parameters, ALPN by protocol, no trusted CA and no client
    /// certificate required.
    /// </summary>
    public static TransportSocket SdsDownstream(GatewayTlsSdsConfig sds, TlsParameters parameters, string protocol)
    {
        var common = new CommonTlsContext
        {
            TlsParams = parameters,
            TlsCertificateSdsSecretConfigs =
            {
                new SdsSecretConfig
                {
                    Name = sds.CertResource ?? string.Empty,
                    SdsConfig = new ConfigSource
                    {
                        ApiConfigSource = new ApiConfigSource
                        {
                            ApiType = ApiConfigSource.Types.ApiType.Grpc,
                            TransportApiVersion = ApiVersion.V3,
                            GrpcServices =
                            {
                                new GrpcService
                                {
                                    EnvoyGrpc = new GrpcService.Types.EnvoyGrpc { ClusterName = sds.ClusterName ?? string.Empty },
                                    Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)),
                                },
                            },
                        },
                        ResourceApiVersion = ApiVersion.V3,
                    },
                },
            },
        };
        common.AlpnProtocols.AddRange(AlpnProtocols(protocol));
        var context = new DownstreamTlsContext { CommonTlsContext = common, RequireClientCertificate = false };
        return new TransportSocket { Name = TransportSocketName, TypedConfig = Any.Pack(context) };
    }

    /// <summary>An upstream cluster's socket: SNI of the target and its SPIFFE ID as the only accepted URI SAN.</summary>
    public static TransportSocket Upstream(ConfigSnapshot snapshot, string sni, string spiffeId)
    {
        var common = Common(snapshot, snapshot.Mesh?.Tls?.Outgoing);
        common.ValidationContext.MatchTypedSubjectAltNames.Add(new SubjectAltNameMatcher
        {
            SanType = SubjectAltNameMatcher.Types.SanType.Uri,
            Matcher = new StringMatcher { Exact = spiffeId },
        });
        var context = new UpstreamTlsContext { CommonTlsContext = common, Sni = sni };
        return new TransportSocket { Name = TransportSocketName, TypedConfig = Any.Pack(context) };
    }

    private static CommonTlsContext Common(ConfigSnapshot snapshot, MeshDirectionalTlsConfig? tls) => new()
    {
        TlsParams = Parameters(tls),
        TlsCertificates =
        {
            new TlsCertificate
            {
                CertificateChain = new DataSource { InlineString = WithTrailingNewline(snapshot.Leaf.CertPem) },
                PrivateKey = new DataSource { InlineString = WithTrailingNewline(snapshot.Leaf.PrivateKeyPem) },
            },
        },
        ValidationContext = new CertificateValidationContext
        {
            TrustedCa = new DataSource { InlineString = snapshot.Roots.TrustedCaPem },
        },
    };

    /// <summary><c>getAlpnProtocols</c>.</summary>
    public static IEnumerable<string> AlpnProtocols(string protocol) => protocol switch
    {
        "grpc" or "http2" => ["h2", "http/1.1"],
        "http" => ["http/1.1"],
        _ => [],
    };

    /// <summary><c>makeTLSParametersFromProxyTLSConfig</c>: unknown versions and suites are left out, as Consul does.</summary>
    internal static TlsParameters Parameters(MeshDirectionalTlsConfig? tls)
    {
        var parameters = new TlsParameters();
        if (tls is null)
        {
            return parameters;
        }

        if (Version(tls.TlsMinVersion) is { } min)
        {
            parameters.TlsMinimumProtocolVersion = min;
        }

        if (Version(tls.TlsMaxVersion) is { } max)
        {
            parameters.TlsMaximumProtocolVersion = max;
        }

        foreach (var suite in tls.CipherSuites ?? [])
        {
            if (CipherSuites.TryGetValue(suite, out var envoyName))
            {
                parameters.CipherSuites.Add(envoyName);
            }
        }

        return parameters;
    }

    private static TlsParameters.Types.TlsProtocol? Version(string? version) => version switch
    {
        "TLS_AUTO" => TlsParameters.Types.TlsProtocol.TlsAuto,
        "TLSv1_0" => TlsParameters.Types.TlsProtocol.Tlsv10,
        "TLSv1_1" => TlsParameters.Types.TlsProtocol.Tlsv11,
        "TLSv1_2" => TlsParameters.Types.TlsProtocol.Tlsv12,
        "TLSv1_3" => TlsParameters.Types.TlsProtocol.Tlsv13,
        _ => null,
    };

    /// <summary>Consul's (Go) cipher suite names to Envoy's (BoringSSL) names.</summary>
    private static readonly Dictionary<string, string> CipherSuites = new(StringComparer.Ordinal)
    {
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-ECDSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"] = "ECDHE-ECDSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-RSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"] = "ECDHE-RSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"] = "ECDHE-ECDSA-AES128-SHA",
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] = "ECDHE-RSA-AES128-SHA",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-ECDSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-RSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"] = "ECDHE-ECDSA-AES256-SHA",
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"] = "ECDHE-RSA-AES256-SHA",
    };

    private static string WithTrailingNewline(string pem) => pem.EndsWith('\n') ? pem : pem + "\n";
}
