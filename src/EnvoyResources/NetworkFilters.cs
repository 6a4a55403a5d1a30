using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.Filters.Network.TcpProxy.V3;
using Envoy.Type.Matcher.V3;
using Google.Protobuf.WellKnownTypes;
using GrpcHttp1Bridge = Envoy.Extensions.Filters.Http.GrpcHttp1Bridge.V3.Config;
using GrpcStats = Envoy.Extensions.Filters.Http.GrpcStats.V3.FilterConfig;
using HeaderToMetadata = Envoy.Extensions.Filters.Http.HeaderToMetadata.V3.Config;
using Router = Envoy.Extensions.Filters.Http.Router.V3.Router;

namespace Mesh.EnvoyResources;

/// <summary>What an HTTP connection manager is built from (Consul's <c>listenerFilterOpts</c>).</summary>
internal sealed record HttpFilterOptions
{
    public required string Protocol { get; init; }

    /// <summary>Virtual host name of the inline route (and, after the stat prefix, the stat name).</summary>
    public required string FilterName { get; init; }

    public required string StatPrefix { get; init; }

    public required string RouteName { get; init; }

    /// <summary>Inline route target; empty when <see cref="UseRds"/>.</summary>
    public string Cluster { get; init; } = string.Empty;

    public bool UseRds { get; init; }

    public TimeSpan? RequestTimeout { get; init; }

    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Filters placed before the router (after gRPC's): RBAC and the XFCC-to-metadata filter.</summary>
    public IReadOnlyList<HttpFilter> AuthzFilters { get; init; } = [];

    /// <summary>Forward the client certificate details to the app (public listener, not gRPC).</summary>
    public bool ForwardClientCertificate { get; init; }

    public bool NormalizePath { get; init; }

    public bool MergeSlashes { get; init; }
}

/// <summary>Consul's network filters: <c>makeTCPProxyFilter</c>, <c>makeHTTPFilter</c>, <c>parseXFCCToDynamicMetaHTTPFilter</c>.</summary>
internal static class NetworkFilters
{
    public const string TcpProxyName = "envoy.filters.network.tcp_proxy";
    public const string HttpConnectionManagerName = "envoy.filters.network.http_connection_manager";

    /// <summary>The SPIFFE URI inside XFCC: trust domain, partition, namespace, datacenter, service.</summary>
    private const string DownstreamIdentity = ".*URI=spiffe://([^/]+.[^/]+)(?:/ap/([^/]+))?/ns/([^/]+)/dc/([^/]+)/svc/([^/;,]+).*";

    /// <summary>Any protocol other than http, http2 and grpc is proxied as TCP.</summary>
    public static bool IsHttpLike(string protocol) => protocol is "http" or "http2" or "grpc";

    public static Filter TcpProxyFilter(string statPrefix, string cluster) => new()
    {
        Name = TcpProxyName,
        TypedConfig = Any.Pack(new TcpProxy { StatPrefix = statPrefix, Cluster = cluster }),
    };

    /// <summary>The listener filter for a protocol: an HTTP connection manager for HTTP-like ones, else tcp_proxy.</summary>
    public static Filter ForProtocol(HttpFilterOptions options)
        => IsHttpLike(options.Protocol) ? ConnectionManager(options) : TcpProxyFilter(options.StatPrefix + options.FilterName, options.Cluster);

    public static Filter ConnectionManager(HttpFilterOptions options)
    {
        var manager = new HttpConnectionManager
        {
            StatPrefix = options.StatPrefix + options.FilterName,
            Tracing = new HttpConnectionManager.Types.Tracing { RandomSampling = new Envoy.Type.V3.Percent() },
            UpgradeConfigs = { new HttpConnectionManager.Types.UpgradeConfig { UpgradeType = "websocket" } },
        };

        if (options.UseRds)
        {
            manager.Rds = new Rds { RouteConfigName = options.RouteName, ConfigSource = Addresses.Ads() };
        }
        else
        {
            var action = new RouteAction { Cluster = options.Cluster };
            if (options.RequestTimeout is { } timeout)
            {
                action.Timeout = Duration.FromTimeSpan(timeout);
            }

            if (options.IdleTimeout is { } idle)
            {
                action.IdleTimeout = Duration.FromTimeSpan(idle);
            }

            manager.RouteConfig = new RouteConfiguration
            {
                Name = options.RouteName,
                VirtualHosts =
                {
                    new VirtualHost
                    {
                        Name = options.FilterName,
                        Domains = { "*" },
                        Routes = { new Route { Match = RouteMatches.Default(), Route_ = action } },
                    },
                },
            };
        }

        if (options.Protocol is "http2" or "grpc")
        {
            manager.Http2ProtocolOptions = new Http2ProtocolOptions();
        }

        if (options.ForwardClientCertificate)
        {
            manager.ForwardClientCertDetails = HttpConnectionManager.Types.ForwardClientCertDetails.AppendForward;
            manager.SetCurrentClientCertDetails = new HttpConnectionManager.Types.SetCurrentClientCertDetails
            {
                Subject = true,
                Cert = true,
                Chain = true,
                Dns = true,
                Uri = true,
            };
        }

        if (options.NormalizePath)
        {
            manager.NormalizePath = true;
        }

        if (options.MergeSlashes)
        {
            manager.MergeSlashes = true;
        }

        // gRPC's stats and HTTP/1 bridge first, then authorization, then the router: every later filter can rely on authz.
        if (options.Protocol == "grpc")
        {
            manager.HttpFilters.Add(NamedHttpFilter("envoy.filters.http.grpc_stats", new GrpcStats { StatsForAllMethods = true }));
            manager.HttpFilters.Add(NamedHttpFilter("envoy.filters.http.grpc_http1_bridge", new GrpcHttp1Bridge()));
        }

        manager.HttpFilters.AddRange(options.AuthzFilters);
        manager.HttpFilters.Add(NamedHttpFilter("envoy.filters.http.router", new Router()));
        return new Filter { Name = HttpConnectionManagerName, TypedConfig = Any.Pack(manager) };
    }

    /// <summary>Copies the caller's identity from XFCC into dynamic metadata namespace <c>consul</c>.</summary>
    public static HttpFilter XfccToMetadata()
    {
        var config = new HeaderToMetadata();
        string[] keys = ["trust-domain", "partition", "namespace", "datacenter", "service"];
        for (var i = 0; i < keys.Length; i++)
        {
            config.RequestRules.Add(new HeaderToMetadata.Types.Rule
            {
                Header = "x-forwarded-client-cert",
                OnHeaderPresent = new HeaderToMetadata.Types.KeyValuePair
                {
                    MetadataNamespace = "consul",
                    Key = keys[i],
                    RegexValueRewrite = new RegexMatchAndSubstitute
                    {
                        Pattern = new RegexMatcher { Regex = DownstreamIdentity },
                        Substitution = "\\" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                },
            });
        }

        return NamedHttpFilter("envoy.filters.http.header_to_metadata", config);
    }

    private static HttpFilter NamedHttpFilter(string name, Google.Protobuf.IMessage config) => new() { Name = name, TypedConfig = Any.Pack(config) };
}
