using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Connect;

/// <summary>What an Envoy bootstrap for one proxy depends on (Consul's <c>BootstrapTplArgs</c>).</summary>
public sealed record EnvoyBootstrapArgs
{
    /// <summary>The proxy's service ID: Envoy's <c>node.id</c>, which the xDS server looks the proxy up by.</summary>
    public required string ProxyId { get; init; }

    /// <summary>Envoy's <c>node.cluster</c>: the destination service of a sidecar (or the gateway's name).</summary>
    public required string Cluster { get; init; }

    public string Datacenter { get; init; } = "dc1";

    public string Namespace { get; init; } = "default";

    public string Partition { get; init; } = "default";

    /// <summary>The catalog node of the proxy, sent as <c>node.metadata.node_name</c> when known.</summary>
    public string? NodeName { get; init; }

    public string Token { get; init; } = string.Empty;

    public string GrpcHost { get; init; } = "127.0.0.1";

    public int GrpcPort { get; init; } = 8502;

    /// <summary>
    /// Whether Envoy reaches the xDS server over TLS (Consul's <c>AgentTLS</c>): the <c>local_agent</c> cluster then
    /// gets an <c>UpstreamTlsContext</c> transport socket.
    /// </summary>
    public bool GrpcTls { get; init; }

    /// <summary>The PEM CA bundle Envoy trusts for the xDS server when <see cref="GrpcTls"/> (Consul's <c>AgentCAPEM</c>); empty for none.</summary>
    public string GrpcCaPem { get; init; } = string.Empty;

    public string AdminHost { get; init; } = "127.0.0.1";

    public int AdminPort { get; init; } = 19000;

    public string AdminAccessLogPath { get; init; } = "/dev/null";

    /// <summary>The static cluster Envoy's ADS stream uses: <c>local_agent</c> (Consul's template), <c>consul-dataplane</c> behind a dataplane.</summary>
    public string AdsClusterName { get; init; } = "local_agent";

    /// <summary>
    /// Where an ingress gateway's <c>envoy_ready_listener</c> binds (its registered address and port, so the gateway's TCP
    /// check passes before any listener is configured); it answers <c>/ready</c> from Envoy's admin through the
    /// <c>self_admin</c> cluster, as Consul's template does. Null for none.
    /// </summary>
    public string? ReadyHost { get; init; }

    public int ReadyPort { get; init; }

    /// <summary>Whether the ADS stream carries <see cref="Token"/> as <c>x-consul-token</c>; a dataplane adds its own token instead.</summary>
    public bool TokenInMetadata { get; init; } = true;
}

/// <summary>
/// Builds the Envoy bootstrap that <c>mesh connect envoy -bootstrap</c> prints, shaped as Consul's
/// (<c>command/connect/envoy/bootstrap_tpl.go</c>): admin listener, node identity, a static HTTP/2 cluster
/// <c>local_agent</c> pointing at the server's gRPC port, and LDS/CDS over delta ADS with the token as
/// <c>x-consul-token</c> metadata.
/// </summary>
public static class EnvoyBootstrap
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Render(EnvoyBootstrapArgs args) => Build(args).ToJsonString(Indented);

    public static JsonObject Build(EnvoyBootstrapArgs args)
    {
        var metadata = new JsonObject();
        if (!string.IsNullOrEmpty(args.NodeName))
        {
            metadata["node_name"] = args.NodeName;
        }

        metadata["namespace"] = args.Namespace;
        metadata["partition"] = args.Partition;

        return new JsonObject
        {
            ["admin"] = new JsonObject
            {
                ["access_log"] = new JsonArray(new JsonObject
                {
                    ["name"] = "envoy.access_loggers.file",
                    ["typed_config"] = new JsonObject
                    {
                        ["@type"] = "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
                        ["path"] = args.AdminAccessLogPath,
                    },
                }),
                ["address"] = SocketAddress(args.AdminHost, args.AdminPort),
            },
            ["node"] = new JsonObject
            {
                ["cluster"] = args.Cluster,
                ["id"] = args.ProxyId,
                ["metadata"] = metadata,
            },
            ["layered_runtime"] = new JsonObject
            {
                ["layers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "base",
                    ["static_layer"] = new JsonObject { ["re2.max_program_size.error_level"] = 1048576 },
                }),
            },
            ["static_resources"] = StaticResources(args),
            ["stats_config"] = StatsConfig(args),
            ["dynamic_resources"] = new JsonObject
            {
                ["lds_config"] = AdsSource(),
                ["cds_config"] = AdsSource(),
                ["ads_config"] = new JsonObject
                {
                    ["api_type"] = "DELTA_GRPC",
                    ["transport_api_version"] = "V3",
                    ["grpc_services"] = GrpcService(args),
                },
            },
        };
    }

    private static JsonObject StaticResources(EnvoyBootstrapArgs args)
    {
        if (args.ReadyHost is null)
        {
            return new JsonObject { ["clusters"] = new JsonArray(LocalAgentCluster(args)) };
        }

        return new JsonObject
        {
            ["clusters"] = new JsonArray(LocalAgentCluster(args), SelfAdminCluster(args)),
            ["listeners"] = new JsonArray(ReadyListener(args.ReadyHost, args.ReadyPort)),
        };
    }

    private static JsonObject SelfAdminCluster(EnvoyBootstrapArgs args)
        => StaticCluster("self_admin", "5s", "http_protocol_options", args.AdminHost, args.AdminPort);

    private static JsonObject ReadyListener(string host, int port) => new()
    {
        ["name"] = "envoy_ready_listener",
        ["address"] = SocketAddress(host, port),
        ["filter_chains"] = new JsonArray(new JsonObject
        {
            ["filters"] = new JsonArray(new JsonObject
            {
                ["name"] = "envoy.filters.network.http_connection_manager",
                ["typedConfig"] = new JsonObject
                {
                    ["@type"] = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    ["stat_prefix"] = "envoy_ready",
                    ["codec_type"] = "HTTP1",
                    ["route_config"] = new JsonObject
                    {
                        ["name"] = "self_admin_route",
                        ["virtual_hosts"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "self_admin",
                            ["domains"] = new JsonArray("*"),
                            ["routes"] = new JsonArray(
                                new JsonObject
                                {
                                    ["match"] = new JsonObject { ["path"] = "/ready" },
                                    ["route"] = new JsonObject { ["cluster"] = "self_admin", ["prefix_rewrite"] = "/ready" },
                                },
                                new JsonObject
                                {
                                    ["match"] = new JsonObject { ["prefix"] = "/" },
                                    ["direct_response"] = new JsonObject { ["status"] = 404 },
                                }),
                        }),
                    },
                    ["http_filters"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "envoy.filters.http.router",
                        ["typedConfig"] = new JsonObject { ["@type"] = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
                    }),
                },
            }),
        }),
    };

    private static JsonObject GrpcService(EnvoyBootstrapArgs args)
    {
        var service = new JsonObject();
        if (args.TokenInMetadata)
        {
            service["initial_metadata"] = new JsonArray(new JsonObject { ["key"] = "x-consul-token", ["value"] = args.Token });
        }

        service["envoy_grpc"] = new JsonObject { ["cluster_name"] = args.AdsClusterName };
        return service;
    }

    private static JsonObject LocalAgentCluster(EnvoyBootstrapArgs args)
    {
        var cluster = LocalAgentPlainCluster(args);
        if (args.GrpcTls)
        {
            cluster["transport_socket"] = AgentTransportSocket(args.GrpcCaPem);
        }

        return cluster;
    }

    /// <summary>
    /// Consul's template: an <c>UpstreamTlsContext</c> with only the trusted CA inline; no SNI, no SAN match and no
    /// client certificate (the xDS port must not require one).
    /// </summary>
    private static JsonObject AgentTransportSocket(string caPem)
    {
        var common = new JsonObject();
        if (caPem.Length > 0)
        {
            common["validation_context"] = new JsonObject { ["trusted_ca"] = new JsonObject { ["inline_string"] = caPem } };
        }

        return new JsonObject
        {
            ["name"] = "tls",
            ["typed_config"] = new JsonObject
            {
                ["@type"] = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                ["common_tls_context"] = common,
            },
        };
    }

    private static JsonObject LocalAgentPlainCluster(EnvoyBootstrapArgs args)
        => StaticCluster(args.AdsClusterName, "1s", "http2_protocol_options", args.GrpcHost, args.GrpcPort);

    /// <summary>A STATIC cluster of one endpoint speaking HTTP/1 or HTTP/2 (<paramref name="protocolOptions"/>), in Consul's template's spelling.</summary>
    private static JsonObject StaticCluster(string name, string connectTimeout, string protocolOptions, string host, int port) => new()
    {
        ["name"] = name,
        ["ignore_health_on_host_removal"] = false,
        ["connect_timeout"] = connectTimeout,
        ["type"] = "STATIC",
        ["typed_extension_protocol_options"] = new JsonObject
        {
            ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] = new JsonObject
            {
                ["@type"] = "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                ["explicit_http_config"] = new JsonObject { [protocolOptions] = new JsonObject() },
            },
        },
        ["loadAssignment"] = new JsonObject
        {
            ["clusterName"] = name,
            ["endpoints"] = new JsonArray(new JsonObject
            {
                ["lbEndpoints"] = new JsonArray(new JsonObject
                {
                    ["endpoint"] = new JsonObject { ["address"] = SocketAddress(host, port) },
                }),
            }),
        },
    };

    private static JsonObject StatsConfig(EnvoyBootstrapArgs args)
    {
        var tags = new JsonArray();
        foreach (var (tagName, regex) in ConsulStatsTags.Extractors)
        {
            tags.Add(new JsonObject { ["regex"] = regex, ["tag_name"] = tagName });
        }

        foreach (var (tagName, value) in new[]
        {
            ("local_cluster", args.Cluster),
            ("consul.source.service", args.Cluster),
            ("consul.source.namespace", args.Namespace),
            ("consul.source.partition", args.Partition),
            ("consul.source.datacenter", args.Datacenter),
        })
        {
            tags.Add(new JsonObject { ["tag_name"] = tagName, ["fixed_value"] = value });
        }

        return new JsonObject { ["stats_tags"] = tags, ["use_all_default_tags"] = true };
    }

    private static JsonObject AdsSource() => new()
    {
        ["ads"] = new JsonObject(),
        ["initial_fetch_timeout"] = "0s",
        ["resource_api_version"] = "V3",
    };

    private static JsonObject SocketAddress(string host, int port) => new()
    {
        ["socket_address"] = new JsonObject { ["address"] = host, ["port_value"] = port },
    };
}
