using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using ExposeConfig = Mesh.Fsm.Model.ExposeConfig;
using MeshGatewayConfig = Mesh.Fsm.Model.MeshGatewayConfig;
using TransparentProxyConfig = Mesh.Fsm.Model.TransparentProxyConfig;

namespace Mesh.ProxyCfg.Merge;

/// <summary>
/// Consul's <c>MergeNodeServiceWithCentralConfig</c> (<c>agent/configentry/merge_service_config.go</c> and
/// <c>resolve.go</c>): the proxy-defaults <c>global</c> entry and the destination's service-defaults resolved into
/// defaults, then laid under the registration, whose own values always win. The result is never written back.
/// </summary>
public static class ServiceConfigMerge
{
    public const string GlobalProxyDefaults = "global";

    /// <summary>The registration's proxy settings merged with central config; the config keys read go into <paramref name="reads"/>.</summary>
    public static ConnectProxyConfig Merge(StoreState state, NodeService proxy, ISet<string>? reads = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(proxy);
        var registration = proxy.Proxy;
        var central = CentralDefaults.Resolve(state, registration.DestinationServiceName, reads);

        var config = JsonConfig.Parse(registration.Config);
        JsonConfig.FillMissing(config, central.ProxyConfig);

        var upstreams = registration.Upstreams.Select(upstream => MergeUpstream(state, central, upstream, reads)).ToList();
        return registration with
        {
            Config = JsonConfig.ToBlob(config),
            Mode = registration.Mode.Length > 0 ? registration.Mode : central.Mode,
            MeshGateway = registration.MeshGateway.Mode.Length > 0 ? registration.MeshGateway : new MeshGatewayConfig { Mode = central.MeshGatewayMode },
            TransparentProxy = new TransparentProxyConfig
            {
                OutboundListenerPort = registration.TransparentProxy.OutboundListenerPort != 0
                    ? registration.TransparentProxy.OutboundListenerPort
                    : central.OutboundListenerPort,
                DialedDirectly = registration.TransparentProxy.DialedDirectly || central.DialedDirectly,
            },
            Expose = new ExposeConfig
            {
                // mergo.Merge: zero-valued fields of the registration take the central value.
                Checks = registration.Expose.Checks || central.ExposeChecks,
                Paths = registration.Expose.Paths.Count > 0 ? registration.Expose.Paths : central.ExposePaths,
            },
            Upstreams = upstreams,
        };
    }

    /// <summary>
    /// The proxy-defaults <c>global</c> entry's access logging when enabled (Consul copies it into every proxy's
    /// <c>Proxy.AccessLogs</c> when the registration sets none; registrations here carry none), else null.
    /// </summary>
    public static AccessLogsConfig? AccessLogs(StoreState state, ISet<string>? reads = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Find(state, ProxyDefaultsKind.KindName, GlobalProxyDefaults, reads) is { } entry
               && ConfigEntryKinds.ProxyDefaults.Read(entry).AccessLogs is { Enabled: true } logs
            ? logs
            : null;
    }

    /// <summary>
    /// The central config of one upstream of <paramref name="destination"/>'s proxies (Consul's <c>UpstreamConfigs</c>
    /// entry): protocol from proxy-defaults, then the upstream's own service-defaults, then the downstream's
    /// upstream_config defaults and the override for this name. Used for upstreams implied in transparent mode too.
    /// </summary>
    public static JsonObject ResolveUpstreamConfig(StoreState state, string destination, string upstreamName, ISet<string>? reads = null)
        => CentralDefaults.Resolve(state, destination, reads).UpstreamConfig(state, upstreamName, string.Empty, reads);

    private static Upstream MergeUpstream(StoreState state, CentralDefaults central, Upstream upstream, ISet<string>? reads)
    {
        if (upstream.DestinationType is not ("" or UpstreamId.ServiceType))
        {
            return upstream;
        }

        var resolved = central.UpstreamConfig(state, upstream.DestinationName, upstream.DestinationPeer, reads);
        var config = JsonConfig.Parse(upstream.Config);
        JsonConfig.FillMissing(config, resolved);
        var meshGateway = upstream.MeshGateway.Mode.Length > 0
            ? upstream.MeshGateway.Mode
            : central.UpstreamMeshGateway(upstream.DestinationName, upstream.DestinationPeer);
        return upstream with
        {
            Config = JsonConfig.ToBlob(config),
            MeshGateway = meshGateway == upstream.MeshGateway.Mode ? upstream.MeshGateway : new MeshGatewayConfig { Mode = meshGateway },
        };
    }

    /// <summary>Reads the typed entry of a kind by name, recording the watch key of that entry.</summary>
    internal static ConfigEntry? Find(StoreState state, string kind, string name, ISet<string>? reads)
    {
        reads?.Add(WatchKeys.ConfigEntry(kind, name));
        return state.FindConfigEntry(kind, name);
    }

    /// <summary>Consul's <c>ServiceConfigResponse</c> for one service: the defaults before the registration is laid on top.</summary>
    private sealed class CentralDefaults
    {
        private readonly string _globalProtocol;
        private readonly UpstreamConfig? _upstreamDefaults;
        private readonly IReadOnlyList<UpstreamConfig> _overrides;

        private CentralDefaults(ProxyDefaultsEntry? proxyDefaults, ServiceDefaultsEntry? serviceDefaults)
        {
            ProxyConfig = proxyDefaults?.Config is { } blob ? JsonConfig.Parse(blob) : [];
            _globalProtocol = ProxyConfig["protocol"] is JsonValue protocol && protocol.GetValueKind() == JsonValueKind.String
                ? protocol.GetValue<string>()
                : string.Empty;
            Mode = proxyDefaults?.Mode ?? string.Empty;
            OutboundListenerPort = proxyDefaults?.TransparentProxy?.OutboundListenerPort ?? 0;
            DialedDirectly = proxyDefaults?.TransparentProxy?.DialedDirectly ?? false;
            MeshGatewayMode = proxyDefaults?.MeshGateway?.Mode ?? string.Empty;
            ExposeChecks = proxyDefaults?.Expose?.Checks ?? false;
            ExposePaths = ToModel(proxyDefaults?.Expose?.Paths);

            if (serviceDefaults is not null)
            {
                ApplyServiceDefaults(serviceDefaults);
            }

            _upstreamDefaults = serviceDefaults?.UpstreamConfig?.Defaults;
            _overrides = serviceDefaults?.UpstreamConfig?.Overrides ?? [];
        }

        public JsonObject ProxyConfig { get; }

        public string Mode { get; private set; }

        public int OutboundListenerPort { get; private set; }

        public bool DialedDirectly { get; private set; }

        public string MeshGatewayMode { get; private set; }

        public bool ExposeChecks { get; private set; }

        public IReadOnlyList<Fsm.Model.ExposePath> ExposePaths { get; private set; }

        public static CentralDefaults Resolve(StoreState state, string service, ISet<string>? reads)
        {
            var proxyDefaults = Find(state, ProxyDefaultsKind.KindName, GlobalProxyDefaults, reads) is { } p ? ConfigEntryKinds.ProxyDefaults.Read(p) : null;
            var serviceDefaults = Find(state, ServiceDefaultsKind.KindName, service, reads) is { } s ? ConfigEntryKinds.ServiceDefaults.Read(s) : null;
            return new CentralDefaults(proxyDefaults, serviceDefaults);
        }

        private void ApplyServiceDefaults(ServiceDefaultsEntry defaults)
        {
            SetIf(ProxyConfig, "protocol", defaults.Protocol);
            if (defaults.MaxInboundConnections > 0)
            {
                ProxyConfig["max_inbound_connections"] = defaults.MaxInboundConnections;
            }

            if (defaults.LocalConnectTimeoutMs > 0)
            {
                ProxyConfig["local_connect_timeout_ms"] = defaults.LocalConnectTimeoutMs;
            }

            if (defaults.LocalRequestTimeoutMs > 0)
            {
                ProxyConfig["local_request_timeout_ms"] = defaults.LocalRequestTimeoutMs;
            }

            SetIf(ProxyConfig, "balance_inbound_connections", defaults.BalanceInboundConnections);
            if (defaults.MeshGateway?.Mode is { Length: > 0 } gateway)
            {
                MeshGatewayMode = gateway;
            }

            if (defaults.Expose is { } expose)
            {
                ExposeChecks |= expose.Checks;
                if (expose.Paths is { Count: > 0 })
                {
                    ExposePaths = ToModel(expose.Paths);
                }
            }

            if (defaults.Mode is { Length: > 0 } mode)
            {
                Mode = mode;
            }

            if (defaults.TransparentProxy is { } transparent)
            {
                OutboundListenerPort = transparent.OutboundListenerPort != 0 ? transparent.OutboundListenerPort : OutboundListenerPort;
                DialedDirectly |= transparent.DialedDirectly;
            }
        }

        /// <summary>resolve.go: proxy-defaults protocol, the upstream's service-defaults protocol, then defaults, then the override.</summary>
        public JsonObject UpstreamConfig(StoreState state, string upstreamName, string peer, ISet<string>? reads)
        {
            var resolved = new JsonObject();
            var protocol = _globalProtocol;
            if (peer.Length == 0
                && Find(state, ServiceDefaultsKind.KindName, upstreamName, reads) is { } entry
                && ConfigEntryKinds.ServiceDefaults.Read(entry).Protocol is { Length: > 0 } own)
            {
                protocol = own;
            }

            SetIf(resolved, "protocol", protocol);
            MergeInto(_upstreamDefaults, resolved);
            MergeInto(Override(upstreamName, peer), resolved);
            return resolved;
        }

        /// <summary>The upstream's mesh gateway mode from central config: the override's, else the defaults'.</summary>
        public string UpstreamMeshGateway(string upstreamName, string peer)
            => Override(upstreamName, peer)?.MeshGateway?.Mode is { Length: > 0 } mode
                ? mode
                : _upstreamDefaults?.MeshGateway?.Mode ?? string.Empty;

        private UpstreamConfig? Override(string name, string peer)
            => _overrides.FirstOrDefault(o => o.Name == name && (o.Peer ?? string.Empty) == peer);

        /// <summary>Consul's <c>UpstreamConfig.MergeInto</c>: only non-empty values, so empty ones do not override.</summary>
        private static void MergeInto(UpstreamConfig? config, JsonObject target)
        {
            if (config is null)
            {
                return;
            }

            SetIf(target, "envoy_listener_json", config.EnvoyListenerJson);
            SetIf(target, "envoy_cluster_json", config.EnvoyClusterJson);
            SetIf(target, "protocol", config.Protocol);
            if (config.ConnectTimeoutMs != 0)
            {
                target["connect_timeout_ms"] = config.ConnectTimeoutMs;
            }

            if (config.Limits is { } limits)
            {
                var node = new JsonObject();
                SetIf(node, "max_connections", limits.MaxConnections);
                SetIf(node, "max_pending_requests", limits.MaxPendingRequests);
                SetIf(node, "max_concurrent_requests", limits.MaxConcurrentRequests);
                target["limits"] = node;
            }

            if (config.PassiveHealthCheck is { } check)
            {
                var node = new JsonObject();
                SetIf(node, "interval", check.Interval);
                node["max_failures"] = check.MaxFailures;
                SetIf(node, "enforcing_consecutive_5xx", (int?)check.EnforcingConsecutive5xx);
                SetIf(node, "max_ejection_percent", (int?)check.MaxEjectionPercent);
                SetIf(node, "base_ejection_time", check.BaseEjectionTime);
                target["passive_health_check"] = node;
            }

            SetIf(target, "balance_outbound_connections", config.BalanceOutboundConnections);
        }

        private static void SetIf(JsonObject target, string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                target[key] = value;
            }
        }

        private static void SetIf(JsonObject target, string key, int? value)
        {
            if (value is { } number)
            {
                target[key] = number;
            }
        }

        private static IReadOnlyList<Fsm.Model.ExposePath> ToModel(List<Mesh.Config.ConfigEntries.ExposePath>? paths)
            => paths is null
                ? []
                : [.. paths.Select(p => new Fsm.Model.ExposePath
                {
                    ListenerPort = p.ListenerPort,
                    Path = p.Path ?? string.Empty,
                    LocalPathPort = p.LocalPathPort,
                    Protocol = p.Protocol ?? string.Empty,
                    ParsedFromCheck = p.ParsedFromCheck,
                })];
    }
}
