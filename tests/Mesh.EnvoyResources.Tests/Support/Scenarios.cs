using System.Text.Json.Nodes;
using Mesh.Fsm.Model;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// The golden scenarios: each replays catalog registrations and config entries into a fresh <see cref="MeshFixture"/>.
/// The base is Consul's xDS fixture: web's sidecar on 9999 with upstream db on 127.0.0.1:9191 and two db instances
/// (addresses moved into 127.0.0.0/8: 127.10.1.1 and 127.10.1.2, port 8080).
/// </summary>
internal static class Scenarios
{
    public static IReadOnlyDictionary<string, Action<MeshFixture>> All { get; } = new SortedDictionary<string, Action<MeshFixture>>(
        Basic.Concat(ChainScenarios.All).ToDictionary(),
        StringComparer.Ordinal);

    private static Dictionary<string, Action<MeshFixture>> Basic => new()
    {
        ["defaults"] = f => Base(f),
        ["http-upstream"] = f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"db","Protocol":"http"}""");
            Base(f);
        },
        ["http-upstream-config-override"] = f => Base(f, upstreamConfig: """{"protocol":"http","connect_timeout_ms":33000}"""),
        ["http-public-listener"] = f => Base(f, web => web with { Config = Json("""{"protocol":"http"}""") }),
        ["http2-public-listener"] = f => Base(f, web => web with { Config = Json("""{"protocol":"http2"}""") }),
        ["grpc-public-listener"] = f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"grpc"}""");
            Base(f);
        },
        ["custom-local-app"] = f => Base(f, web => web with { Config = Json(CustomCluster("mylocal", "envoy_local_cluster_json")) }),
        ["custom-upstream"] = f => Base(f, upstreamConfig: CustomCluster("myservice", "envoy_cluster_json")),

        // Consul's upstream limits (an explicit zero is set, an absent limit keeps Envoy's default) and passive health
        // check on the upstream's clusters: from the upstream's own config, and from service-defaults UpstreamConfig.
        ["upstream-limits-and-passive-health-check"] = f => Base(f, upstreamConfig: """
            {"limits":{"max_connections":10,"max_pending_requests":0},
             "passive_health_check":{"interval":"10s","max_failures":3,"enforcing_consecutive_5xx":80}}
            """),
        ["upstream-limits-from-service-defaults"] = f =>
        {
            f.ConfigEntry("""
                {"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Defaults":{
                  "Limits":{"MaxConcurrentRequests":50},
                  "PassiveHealthCheck":{"Interval":"5s","MaxFailures":2,"BaseEjectionTime":"30s"}}}}
                """);
            Base(f);
        },
        ["custom-public-listener"] = f => Base(f, web => web with { Config = Json(CustomListener("custom-public", 11111, "envoy_public_listener_json")) }),
        ["custom-upstream-listener"] = f => Base(f, upstreamConfig: CustomListener("custom-upstream", 11112, "envoy_listener_json")),
        ["local-app-address-and-timeouts"] = f => Base(f, web => web with
        {
            LocalServiceAddress = "127.0.0.2",
            LocalServicePort = 8181,
            Config = Json("""{"local_connect_timeout_ms":15000,"local_request_timeout_ms":2500}"""),
        }),
        ["listener-bind-address-port"] = f => Base(f, web => web with { Config = Json("""{"bind_address":"127.0.0.2","bind_port":8888}""") }),
        ["unhealthy-and-weighted-endpoints"] = f =>
        {
            f.RegisterWeb(web => web with { Upstreams = [MeshFixture.UpstreamTo("db", 9191)] });
            f.RegisterInstance("db", "node-db-1", "127.10.1.1", HealthStatus.Critical);
            f.RegisterInstance("db", "node-db-2", "127.10.1.2", HealthStatus.Warning, weights: new ServiceWeights { Passing = 10, Warning = 3 });
            f.RegisterInstance("db", "node-db-3", "127.10.1.3", HealthStatus.Warning, weights: new ServiceWeights { Passing = 10, Warning = 0 });
            f.RegisterInstance("db", "node-db-4", "127.10.1.4", weights: new ServiceWeights { Passing = 500, Warning = 1 });
        },
        ["intentions-default-deny-l4"] = f =>
        {
            f.ConfigEntry("""
                {"Kind":"service-intentions","Name":"web","Sources":[
                  {"Name":"api","Action":"allow"},{"Name":"unsafe","Action":"deny"},{"Name":"cron","Action":"allow"},{"Name":"*","Action":"allow"}]}
                """);
            Base(f);
        },
        ["intentions-default-allow-l4"] = f =>
        {
            f.DefaultIntentionPolicy = "allow";
            f.ConfigEntry("""
                {"Kind":"service-intentions","Name":"web","Sources":[{"Name":"unsafe","Action":"deny"},{"Name":"api","Action":"allow"}]}
                """);
            f.ConfigEntry("""{"Kind":"service-intentions","Name":"*","Sources":[{"Name":"legacy","Action":"deny"}]}""");
            Base(f);
        },
        ["intentions-default-deny-l7"] = f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
            f.ConfigEntry("""
                {"Kind":"service-intentions","Name":"web","Sources":[
                  {"Name":"api","Permissions":[
                    {"Action":"deny","HTTP":{"PathExact":"/admin"}},
                    {"Action":"allow","HTTP":{"PathPrefix":"/api","Methods":["GET","PUT"],"Header":[{"Name":"x-env","Exact":"prod"},{"Name":"x-debug","Present":true,"Invert":true}]}},
                    {"Action":"allow","HTTP":{"PathRegex":"/v[0-9]+/.*"}}]},
                  {"Name":"cron","Action":"allow"},
                  {"Name":"*","Action":"deny"}]}
                """);
            Base(f);
        },
        ["intentions-default-allow-l7"] = f =>
        {
            f.DefaultIntentionPolicy = "allow";
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
            f.ConfigEntry("""
                {"Kind":"service-intentions","Name":"web","Sources":[
                  {"Name":"api","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/public"}},{"Action":"deny","HTTP":{"PathPrefix":"/"}}]},
                  {"Name":"unsafe","Action":"deny"}]}
                """);
            Base(f);
        },
        ["mesh-tls-and-http-settings"] = f =>
        {
            f.ConfigEntry("""
                {"Kind":"mesh","Name":"mesh",
                 "TLS":{"Incoming":{"TLSMinVersion":"TLSv1_2","CipherSuites":["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256","TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]},
                        "Outgoing":{"TLSMaxVersion":"TLSv1_3"}},
                 "HTTP":{"SanitizeXForwardedClientCert":true,"Incoming":{"RequestNormalization":{"MergeSlashes":true}}}}
                """);
            Base(f, web => web with { Config = Json("""{"protocol":"http","local_request_timeout_ms":1500}""") });
        },
        ["transparent-proxy"] = f => Transparent(f),
        ["transparent-proxy-mesh-destinations-only"] = f =>
        {
            f.ConfigEntry("""{"Kind":"mesh","Name":"mesh","TransparentProxy":{"MeshDestinationsOnly":true}}""");
            Transparent(f);
        },
        ["transparent-proxy-http-upstream"] = f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"google","Protocol":"http"}""");
            Transparent(f);
        },

        // proxy-defaults AccessLogs (Consul's accesslogs package): the default JSON format to stdout on every listener
        // and filter, here with an HTTP public listener, the tcp db upstream and the transparent outbound listener.
        ["access-logs-default"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","AccessLogs":{"Enabled":true}}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
            Transparent(f);
        },

        // A text format to a file, listener logs off (filters only).
        ["access-logs-file-text"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","AccessLogs":{"Enabled":true,"DisableListenerLogs":true,"Type":"file","Path":"/var/log/envoy/access.log","TextFormat":"[%START_TIME%] %RESPONSE_CODE%"}}""");
            Base(f);
        },
    };

    /// <summary>Consul's base fixture: web with upstream db on 9191 and two healthy db instances.</summary>
    public static void Base(MeshFixture f, Func<ConnectProxyConfig, ConnectProxyConfig>? web = null, string upstreamConfig = "{}")
    {
        f.RegisterWeb(proxy =>
        {
            var withUpstream = proxy with { Upstreams = [MeshFixture.UpstreamTo("db", 9191, upstreamConfig)] };
            return web is null ? withUpstream : web(withUpstream);
        });
        f.RegisterInstance("db", "node-db-1", "127.10.1.1");
        f.RegisterInstance("db", "node-db-2", "127.10.1.2");
    }

    /// <summary>
    /// Consul's transparent-proxy fixture: the explicit db upstream, and google (virtual IP 127.240.0.1, one instance)
    /// and no-endpoints implied by intentions that let web call them.
    /// </summary>
    private static void Transparent(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"service-intentions","Name":"google","Sources":[{"Name":"web","Action":"allow"}]}""");
        f.ConfigEntry("""{"Kind":"service-intentions","Name":"no-endpoints","Sources":[{"Name":"web","Action":"allow"}]}""");
        Base(f, web => web with { Mode = "transparent" });
        f.RegisterInstance("google", "node-google", "127.9.9.9", virtualIp: "127.240.0.1");
    }

    public static JsonBlob Json(string json) => new(json);

    /// <summary>Consul's listener escape-hatch fixtures: a tcp_proxy listener (with the "@type" wrapper) as a config value.</summary>
    private static string CustomListener(string name, int port, string key)
    {
        var listener = JsonNode.Parse($$$"""
            {"@type":"type.googleapis.com/envoy.config.listener.v3.Listener","name":"{{{name}}}",
             "address":{"socketAddress":{"address":"127.0.0.1","portValue":{{{port}}}}},
             "filterChains":[{"filters":[{"name":"envoy.filters.network.tcp_proxy",
               "typedConfig":{"@type":"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy","cluster":"local_app","statPrefix":"{{{name}}}"}}]}]}
            """)!;
        return new JsonObject { [key] = listener.ToJsonString() }.ToJsonString();
    }

    /// <summary>Consul's escape-hatch fixtures: a static cluster (with Consul's "@type" wrapper) as a config value.</summary>
    private static string CustomCluster(string name, string key)
    {
        var cluster = new JsonObject
        {
            ["@type"] = "type.googleapis.com/envoy.config.cluster.v3.Cluster",
            ["name"] = name,
            ["connectTimeout"] = "15s",
            ["loadAssignment"] = new JsonObject
            {
                ["clusterName"] = name,
                ["endpoints"] = JsonNode.Parse("[{\"lbEndpoints\":[{\"endpoint\":{\"address\":{\"socketAddress\":{\"address\":\"127.0.0.1\",\"portValue\":8080}}}}]}]"),
            },
        };
        return new JsonObject { [key] = cluster.ToJsonString() }.ToJsonString();
    }
}
