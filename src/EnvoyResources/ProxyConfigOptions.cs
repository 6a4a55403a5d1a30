using System.Text.Json.Nodes;
using Envoy.Config.Cluster.V3;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg.Merge;

namespace Mesh.EnvoyResources;

/// <summary>
/// The keys of a proxy's free-form <c>Proxy.Config</c> that resource generation reads (Consul's
/// <c>xds/config.ProxyConfig</c>). Like Consul, a value of the wrong type is ignored rather than failing the proxy.
/// </summary>
internal sealed record ProxyConfigOptions
{
    /// <summary><c>tcp</c>, <c>http</c>, <c>http2</c> or <c>grpc</c> (lower-cased; default tcp).</summary>
    public string Protocol { get; init; } = "tcp";

    public string BindAddress { get; init; } = string.Empty;

    public int BindPort { get; init; }

    public TimeSpan LocalConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Request timeout of the public listener's route to local_app; null leaves Envoy's default.</summary>
    public TimeSpan? LocalRequestTimeout { get; init; }

    public TimeSpan? LocalIdleTimeout { get; init; }

    /// <summary>Escape hatch: a whole Envoy cluster (JSON) replacing <c>local_app</c>.</summary>
    public string LocalClusterJson { get; init; } = string.Empty;

    /// <summary>Escape hatch: a whole Envoy listener (JSON) replacing the public listener; mTLS and RBAC are added to it.</summary>
    public string PublicListenerJson { get; init; } = string.Empty;

    public static ProxyConfigOptions Parse(JsonBlob config)
    {
        var json = JsonConfig.Parse(config);
        return new ProxyConfigOptions
        {
            Protocol = ConfigValues.Protocol(json),
            BindAddress = ConfigValues.String(json, "bind_address"),
            BindPort = (int)ConfigValues.Integer(json, "bind_port"),
            LocalConnectTimeout = ConfigValues.Milliseconds(json, "local_connect_timeout_ms") ?? TimeSpan.FromSeconds(5),
            LocalRequestTimeout = ConfigValues.Milliseconds(json, "local_request_timeout_ms"),
            LocalIdleTimeout = ConfigValues.Milliseconds(json, "local_idle_timeout_ms"),
            LocalClusterJson = ConfigValues.String(json, "envoy_local_cluster_json"),
            PublicListenerJson = ConfigValues.String(json, "envoy_public_listener_json"),
        };
    }
}

/// <summary>The keys of an upstream's <c>Config</c> that resource generation reads (Consul's <c>UpstreamConfig</c>).</summary>
internal sealed record UpstreamConfigOptions
{
    /// <summary>Empty when the upstream does not set one (the chain's protocol then applies).</summary>
    public string Protocol { get; init; } = string.Empty;

    /// <summary>Escape hatch for a default chain: the user's cluster, given Consul's TLS transport socket.</summary>
    public string ClusterJson { get; init; } = string.Empty;

    /// <summary>Escape hatch: a whole Envoy listener (JSON) used as the upstream's listener, as given.</summary>
    public string ListenerJson { get; init; } = string.Empty;

    /// <summary>The <c>limits</c> object (circuit breakers), or null when the config has none.</summary>
    public UpstreamClusterLimits? Limits { get; init; }

    /// <summary>The <c>passive_health_check</c> object (outlier detection), or null when the config has none.</summary>
    public PassiveHealthCheck? PassiveHealthCheck { get; init; }

    public static UpstreamConfigOptions Parse(JsonBlob? config)
    {
        if (config is null)
        {
            return new UpstreamConfigOptions();
        }

        var json = JsonConfig.Parse(config.Value);
        return new UpstreamConfigOptions
        {
            Protocol = json.ContainsKey("protocol") ? ConfigValues.Protocol(json) : string.Empty,
            ClusterJson = ConfigValues.String(json, "envoy_cluster_json"),
            ListenerJson = ConfigValues.String(json, "envoy_listener_json"),
            Limits = UpstreamClusterLimits.Read(json["limits"] as JsonObject),
            PassiveHealthCheck = ConfigValues.PassiveHealthCheck(json["passive_health_check"] as JsonObject),
        };
    }
}

/// <summary>
/// Consul's <c>UpstreamLimits</c> as an upstream's config gives it: each limit set (zero included) or absent, so that an
/// absent one keeps Envoy's default (Consul's <c>makeThresholdsIfNeeded</c>).
/// </summary>
internal sealed record UpstreamClusterLimits(uint? MaxConnections, uint? MaxPendingRequests, uint? MaxConcurrentRequests)
{
    public static UpstreamClusterLimits? Read(JsonObject? limits)
        => limits is null
            ? null
            : new UpstreamClusterLimits(
                ConfigValues.OptionalCount(limits, "max_connections", "MaxConnections"),
                ConfigValues.OptionalCount(limits, "max_pending_requests", "MaxPendingRequests"),
                ConfigValues.OptionalCount(limits, "max_concurrent_requests", "MaxConcurrentRequests"));

    /// <summary>One thresholds entry with exactly the limits set.</summary>
    public CircuitBreakers.Types.Thresholds Thresholds()
    {
        var thresholds = new CircuitBreakers.Types.Thresholds();
        if (MaxConnections is { } connections)
        {
            thresholds.MaxConnections = connections;
        }

        if (MaxPendingRequests is { } pending)
        {
            thresholds.MaxPendingRequests = pending;
        }

        if (MaxConcurrentRequests is { } requests)
        {
            thresholds.MaxRequests = requests;
        }

        return thresholds;
    }
}
