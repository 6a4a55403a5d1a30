using Envoy.Config.Bootstrap.V3;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.Filters.Network.TcpProxy.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Filter = Envoy.Config.Listener.V3.Filter;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;
using HttpRbac = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;
using NetworkRbac = Envoy.Extensions.Filters.Network.Rbac.V3.RBAC;
using Rbac = Envoy.Config.Rbac.V3;
using RetryPolicy = Envoy.Config.Route.V3.RetryPolicy;
using Router = Envoy.Extensions.Filters.Http.Router.V3.Router;

namespace Mesh.Xds.Tests.Support;

/// <summary>
/// One message of each kind Mesh generates, shaped like Consul's output for its "defaults" fixture (proxy
/// web-sidecar-proxy, upstream db on 127.0.0.1:9191, trust domain 11111111-…-555555555555.consul).
/// </summary>
internal static class SampleResources
{
    private const string TrustDomain = "11111111-2222-3333-4444-555555555555.consul";
    private const string DbSni = "db.default.dc1.internal." + TrustDomain;

    public static IReadOnlyDictionary<string, Func<IMessage>> All { get; } = new Dictionary<string, Func<IMessage>>
    {
        ["cluster"] = () => DbCluster(),
        ["cluster-load-assignment"] = () => DbEndpoints(),
        ["listener-http"] = () => HttpUpstreamListener(),
        ["route-configuration"] = () => DbRoutes(),
        ["tcp-proxy"] = () => TcpProxy("upstream.db.default.default.dc1", DbSni),
        ["network-rbac"] = () => NetworkRbacFilter(),
        ["http-rbac"] = () => HttpRbacFilter(),
        ["downstream-tls-context"] = () => PublicListenerTls(),
        ["bootstrap"] = () => Bootstrap(),
    };

    public static Cluster DbCluster() => new()
    {
        Name = DbSni,
        AltStatName = DbSni,
        Type = Cluster.Types.DiscoveryType.Eds,
        ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)),
        EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = Ads() },
        CircuitBreakers = new CircuitBreakers(),
        OutlierDetection = new OutlierDetection(),
        CommonLbConfig = new Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new Envoy.Type.V3.Percent() },
        TransportSocket = new TransportSocket
        {
            Name = "tls",
            TypedConfig = Any.Pack(new UpstreamTlsContext
            {
                Sni = DbSni,
                CommonTlsContext = CommonTls(
                    new SubjectAltNameMatcher
                    {
                        SanType = SubjectAltNameMatcher.Types.SanType.Uri,
                        Matcher = new StringMatcher { Exact = $"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/db" },
                    }),
            }),
        },
    };

    public static ClusterLoadAssignment DbEndpoints() => new()
    {
        ClusterName = DbSni,
        Endpoints =
        {
            new LocalityLbEndpoints
            {
                LbEndpoints =
                {
                    Endpoint("10.10.1.1", 8080, HealthStatus.Healthy),
                    Endpoint("10.10.1.2", 8080, HealthStatus.Unhealthy),
                },
            },
        },
    };

    public static Listener HttpUpstreamListener() => new()
    {
        Name = "db:127.0.0.1:9191",
        Address = SocketAddress("127.0.0.1", 9191),
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains =
        {
            new FilterChain
            {
                Filters =
                {
                    new Filter
                    {
                        Name = "envoy.filters.network.http_connection_manager",
                        TypedConfig = Any.Pack(new HttpConnectionManager
                        {
                            StatPrefix = "upstream.db.default.default.dc1",
                            Rds = new Rds { RouteConfigName = "db", ConfigSource = Ads() },
                            HttpFilters =
                            {
                                new HttpFilter { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router()) },
                            },
                            Tracing = new HttpConnectionManager.Types.Tracing { RandomSampling = new Envoy.Type.V3.Percent() },
                        }),
                    },
                },
            },
        },
    };

    public static RouteConfiguration DbRoutes() => new()
    {
        Name = "db",
        ValidateClusters = false,
        VirtualHosts =
        {
            new VirtualHost
            {
                Name = "db.default.default.dc1",
                Domains = { "*" },
                Routes =
                {
                    new Route
                    {
                        Match = new RouteMatch
                        {
                            Prefix = "/api/",
                            Headers = { new HeaderMatcher { Name = "x-debug", PresentMatch = true } },
                        },
                        Route_ = new RouteAction
                        {
                            PrefixRewrite = "/",
                            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(33)),
                            RetryPolicy = new RetryPolicy { RetryOn = "5xx,connect-failure", NumRetries = 3 },
                            WeightedClusters = new WeightedCluster
                            {
                                Clusters =
                                {
                                    new WeightedCluster.Types.ClusterWeight { Name = "v1." + DbSni, Weight = 9000 },
                                    new WeightedCluster.Types.ClusterWeight { Name = "v2." + DbSni, Weight = 1000 },
                                },
                            },
                        },
                    },
                    new Route
                    {
                        Match = new RouteMatch { Prefix = "/" },
                        Route_ = new RouteAction { Cluster = DbSni },
                    },
                },
            },
        },
    };

    public static TcpProxy TcpProxy(string statPrefix, string cluster) =>
        new() { StatPrefix = statPrefix, Cluster = cluster };

    public static NetworkRbac NetworkRbacFilter() => new()
    {
        StatPrefix = "connect_authz",
        Rules = new Rbac.RBAC
        {
            Action = Rbac.RBAC.Types.Action.Allow,
            Policies =
            {
                ["consul-intentions-layer4"] = new Rbac.Policy
                {
                    Permissions = { new Rbac.Permission { Any = true } },
                    Principals = { SpiffePrincipal("web") },
                },
            },
        },
    };

    public static HttpRbac HttpRbacFilter() => new()
    {
        Rules = new Rbac.RBAC
        {
            Action = Rbac.RBAC.Types.Action.Deny,
            Policies =
            {
                ["consul-intentions-layer7-0"] = new Rbac.Policy
                {
                    Permissions =
                    {
                        new Rbac.Permission
                        {
                            UrlPath = new PathMatcher { Path = new StringMatcher { Prefix = "/admin" } },
                        },
                    },
                    Principals = { SpiffePrincipal("web") },
                },
            },
        },
    };

    public static DownstreamTlsContext PublicListenerTls() => new()
    {
        CommonTlsContext = CommonTls(),
        RequireClientCertificate = true,
    };

    public static Bootstrap Bootstrap() => new()
    {
        Node = new Node
        {
            Id = "web-sidecar-proxy",
            Cluster = "web",
            Metadata = new Struct
            {
                Fields = { ["namespace"] = Value.ForString("default"), ["partition"] = Value.ForString("default") },
            },
        },
        Admin = new Admin { Address = SocketAddress("127.0.0.1", 19000) },
        StaticResources = new Bootstrap.Types.StaticResources
        {
            Clusters =
            {
                new Cluster
                {
                    Name = "local_agent",
                    Type = Cluster.Types.DiscoveryType.Static,
                    ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
                    TypedExtensionProtocolOptions =
                    {
                        ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] = Any.Pack(new HttpProtocolOptions
                        {
                            ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig
                            {
                                Http2ProtocolOptions = new Http2ProtocolOptions(),
                            },
                        }),
                    },
                    LoadAssignment = new ClusterLoadAssignment
                    {
                        ClusterName = "local_agent",
                        Endpoints = { new LocalityLbEndpoints { LbEndpoints = { Endpoint("127.0.0.1", 8502, HealthStatus.Unknown) } } },
                    },
                },
            },
        },
        DynamicResources = new Bootstrap.Types.DynamicResources
        {
            LdsConfig = Ads(),
            CdsConfig = Ads(),
            AdsConfig = new ApiConfigSource
            {
                ApiType = ApiConfigSource.Types.ApiType.DeltaGrpc,
                TransportApiVersion = ApiVersion.V3,
                GrpcServices =
                {
                    new GrpcService
                    {
                        EnvoyGrpc = new GrpcService.Types.EnvoyGrpc { ClusterName = "local_agent" },
                        InitialMetadata = { new HeaderValue { Key = "x-consul-token", Value = "" } },
                    },
                },
            },
        },
    };

    private static ConfigSource Ads() => new()
    {
        Ads = new AggregatedConfigSource(),
        ResourceApiVersion = ApiVersion.V3,
    };

    private static CommonTlsContext CommonTls(params SubjectAltNameMatcher[] sans)
    {
        var validation = new CertificateValidationContext
        {
            TrustedCa = new DataSource { InlineString = "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n" },
        };
        validation.MatchTypedSubjectAltNames.AddRange(sans);
        return new CommonTlsContext
        {
            TlsParams = new TlsParameters(),
            TlsCertificates =
            {
                new TlsCertificate
                {
                    CertificateChain = new DataSource { InlineString = "-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n" },
                    PrivateKey = new DataSource { InlineString = "-----BEGIN EC PRIVATE KEY-----\nkey\n-----END EC PRIVATE KEY-----\n" },
                },
            },
            ValidationContext = validation,
        };
    }

    private static LbEndpoint Endpoint(string address, uint port, HealthStatus health) => new()
    {
        HealthStatus = health,
        LoadBalancingWeight = 1,
        Endpoint = new Envoy.Config.Endpoint.V3.Endpoint { Address = SocketAddress(address, port) },
    };

    private static Address SocketAddress(string address, uint port) => new()
    {
        SocketAddress = new Envoy.Config.Core.V3.SocketAddress { Address = address, PortValue = port },
    };

    private static Rbac.Principal SpiffePrincipal(string service) => new()
    {
        Authenticated = new Rbac.Principal.Types.Authenticated
        {
            PrincipalName = new StringMatcher
            {
                SafeRegex = new RegexMatcher { Regex = $"^spiffe://{TrustDomain}/ns/default/dc/[^/]+/svc/{service}$" },
            },
        },
    };
}
