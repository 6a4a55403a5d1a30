using System.Collections.Frozen;

namespace Mesh.Agent.Cli;

/// <summary>
/// Consul agent config keys Mesh does not implement, each either <em>accepted with a warning</em> (it does not apply to
/// Mesh: gossip, DNS, UI, client agents, ...) or <em>refused</em> (a feature a file relies on and Mesh lacks), so that
/// nothing in a Consul config file is silently ignored. Keys are dotted paths (<c>ports.dns</c>). A key in neither
/// list nor implemented is a typo and refused as an invalid key, as Consul does.
/// </summary>
public static class UnimplementedConfigKeys
{
    private const string NoGossip = "Mesh has no Serf gossip layer (servers talk over the server port, protected by tls.internal_rpc)";
    private const string NoDns = "Mesh has no DNS interface";
    private const string NoClientAgents = "Mesh has no client agents";
    private const string OneDatacenter = "Mesh runs a single datacenter (no WAN federation)";
    private const string Enterprise = "a Consul Enterprise feature";
    private const string OwnRaft = "Mesh's Raft log and timings are its own (snapshots every raft_snapshot_threshold entries)";

    private static readonly FrozenDictionary<string, string> Ignored = new Dictionary<string, string>
    {
        ["encrypt"] = NoGossip,
        ["encrypt_verify_incoming"] = NoGossip,
        ["encrypt_verify_outgoing"] = NoGossip,
        ["disable_keyring_file"] = NoGossip,
        ["serf_lan"] = NoGossip,
        ["serf_wan"] = NoGossip,
        ["serf_lan_allowed_cidrs"] = NoGossip,
        ["serf_wan_allowed_cidrs"] = NoGossip,
        ["advertise_addr_ipv4"] = "servers are advertised at bind_addr / advertise_addr",
        ["advertise_addr_ipv6"] = "servers are advertised at bind_addr / advertise_addr",
        ["advertise_addr_wan_ipv4"] = OneDatacenter,
        ["advertise_addr_wan_ipv6"] = OneDatacenter,
        ["translate_wan_addrs"] = OneDatacenter,
        ["enable_central_service_config"] = "central service config (proxy-defaults, service-defaults) is always applied",
        ["leave_on_terminate"] = "a stopped server stays in the Raft configuration until `mesh leave` or `mesh force-leave`",
        ["skip_leave_on_interrupt"] = "a stopped server stays in the Raft configuration until `mesh leave` or `mesh force-leave`",
        ["rejoin_after_leave"] = "a server always rejoins with its data folder",
        ["reconnect_timeout"] = "autopilot.dead_server_threshold decides when a failed server is removed",
        ["reconnect_timeout_wan"] = OneDatacenter,
        ["advertise_reconnect_timeout"] = NoClientAgents,
        ["disable_update_check"] = "Mesh never contacts an update service",
        ["disable_anonymous_signature"] = "Mesh never contacts an update service",
        ["disable_host_node_id"] = "the node ID is generated once and kept in the data folder (or given by node_id)",
        ["disable_coordinates"] = "Mesh keeps no network coordinates",
        ["disable_remote_exec"] = "Mesh has no remote exec",
        ["disable_http_unprintable_char_filter"] = "Mesh has no KV store, the only place the filter applies",
        ["session_ttl_min"] = "Mesh has no sessions",
        ["raft_protocol"] = OwnRaft,
        ["protocol"] = OwnRaft,
        ["raft_snapshot_interval"] = OwnRaft,
        ["raft_trailing_logs"] = OwnRaft,
        ["raft_boltdb"] = OwnRaft,
        ["raft_logstore"] = OwnRaft,
        ["performance"] = OwnRaft,
        ["ui_dir"] = "Mesh serves no web UI",
        ["dns_config"] = NoDns,
        ["recursors"] = NoDns,
        ["alt_domain"] = NoDns,
        ["enable_syslog"] = "logs go to standard output",
        ["syslog_facility"] = "logs go to standard output",
        ["enable_debug"] = "Mesh has no pprof endpoints",
        ["telemetry"] = "metrics are always served at /v1/agent/metrics (JSON, or ?format=prometheus)",
        ["pid_file"] = "Mesh writes no PID file",
        ["check_update_interval"] = "a check result that changes neither status nor output is never written",
        ["discard_check_output"] = "check output is always kept",
        ["enable_agent_tls_for_checks"] = "HTTP checks use their own tls_server_name / tls_skip_verify",
        ["limits"] = "Mesh applies no per-client HTTP connection or RPC rate limits",
        ["cache"] = "Mesh has no agent cache to tune",
        ["rpc"] = "streaming is how Mesh's servers always work",
        ["use_streaming_backend"] = "streaming is how Mesh's servers always work",
        ["default_query_time"] = "blocking queries wait 5m by default (?wait= up to 10m), as Consul's defaults",
        ["max_query_time"] = "blocking queries wait 5m by default (?wait= up to 10m), as Consul's defaults",
        ["discovery_max_stale"] = "every server answers from its own replicated state",
        ["retry_max"] = "retry_join is retried until it succeeds",
        ["auto_reload_config"] = "use `mesh reload` or SIGHUP",
        ["experiments"] = "Mesh has no experiments",
        ["locality"] = "Mesh has no locality-aware routing",
        ["reporting"] = Enterprise,
        ["license_path"] = Enterprise,
        ["audit"] = Enterprise,
        ["peering"] = "cluster peering is not supported",

        ["ports.dns"] = NoDns,
        ["ports.serf_lan"] = NoGossip,
        ["ports.serf_wan"] = NoGossip,
        ["ports.expose_min_port"] = "Mesh does not assign expose ports; give expose.paths[].listener_port",
        ["ports.expose_max_port"] = "Mesh does not assign expose ports; give expose.paths[].listener_port",
        ["autopilot.last_contact_threshold"] = "Mesh's autopilot judges health by its own server pings",
        ["autopilot.max_trailing_logs"] = "Mesh's autopilot judges health by its own server pings",
        ["autopilot.server_stabilization_time"] = "Mesh's autopilot judges health by its own server pings",
        ["autopilot.redundancy_zone_tag"] = Enterprise,
        ["autopilot.disable_upgrade_migration"] = Enterprise,
        ["autopilot.upgrade_version_tag"] = Enterprise,
        ["connect.enable_serverless_plugin"] = "Mesh has no serverless plugin",
        ["acl.policy_ttl"] = "ACL decisions are made from the replicated state, with no cache to expire",
        ["acl.role_ttl"] = "ACL decisions are made from the replicated state, with no cache to expire",
        ["acl.token_ttl"] = "ACL decisions are made from the replicated state, with no cache to expire",
        ["acl.enable_key_list_policy"] = "Mesh has no KV store",
        ["acl.enable_token_replication"] = OneDatacenter,
        ["acl.tokens.replication"] = OneDatacenter,
        ["acl.tokens.dns"] = NoDns,
        ["acl.tokens.config_file_service_registration"] = "services and checks from config files are registered with the agent token",
        ["tls_prefer_server_cipher_suites"] = "deprecated by Consul; the server's cipher order always applies",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Refused = new Dictionary<string, string>
    {
        ["config_entries"] = "write config entries with `mesh config write <file>` once the server runs",
        ["watches"] = "use blocking queries (?index=) instead",
        ["addresses"] = "every API binds to client_addr; per-interface addresses are not supported",
        ["unix_sockets"] = "APIs listen on TCP only",
        ["node_meta"] = "node metadata is not supported yet",
        ["server_name"] = "server certificates are checked for server.<datacenter>.<domain>",
        ["start_join"] = "use retry_join (host:server-port)",
        ["primary_gateways"] = OneDatacenter,
        ["primary_gateways_interval"] = OneDatacenter,
        ["http_config"] = "custom response headers and HTTP write restrictions are not supported",
        ["auto_encrypt"] = NoClientAgents,
        ["auto_config"] = NoClientAgents,
        ["cloud"] = "HashiCorp Cloud Platform is not supported",
        ["segment"] = Enterprise,
        ["segments"] = Enterprise,
        ["partition"] = Enterprise,
        ["read_replica"] = Enterprise,
        ["non_voting_server"] = Enterprise,
        ["license"] = Enterprise,
        ["acl_datacenter"] = "the pre-1.4 ACL keys are not supported; use the acl block",
        ["acl_default_policy"] = "the pre-1.4 ACL keys are not supported; use acl.default_policy",
        ["acl_down_policy"] = "the pre-1.4 ACL keys are not supported; use acl.down_policy",
        ["acl_master_token"] = "the pre-1.4 ACL keys are not supported; use acl.tokens.initial_management",
        ["acl_agent_token"] = "the pre-1.4 ACL keys are not supported; use acl.tokens.agent",
        ["acl_agent_master_token"] = "the pre-1.4 ACL keys are not supported; use acl.tokens.agent_recovery",
        ["acl_token"] = "the pre-1.4 ACL keys are not supported; use acl.tokens.default",
        ["acl_ttl"] = "the pre-1.4 ACL keys are not supported",
        ["acl_replication_token"] = OneDatacenter,
        ["enable_acl_replication"] = OneDatacenter,
        ["connect.enable_mesh_gateway_wan_federation"] = OneDatacenter,
        ["ports.https_grpc"] = "use ports.grpc_tls",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The warning for an accepted key without effect, or null when the key is not one.</summary>
    public static string? WarningFor(string key, string path)
        => Ignored.TryGetValue(key, out var reason) ? $"config key \"{key}\" in {path} has no effect in Mesh: {reason}" : null;

    /// <summary>The error for a key Mesh does not implement: refused with the reason, or an invalid (unknown) key.</summary>
    public static UsageException Refusal(string key, string path)
        => Refused.TryGetValue(key, out var reason)
            ? new UsageException($"Error reading config file {path}: config key \"{key}\" is not supported by Mesh: {reason}")
            : new UsageException($"Error reading config file {path}: invalid config key \"{key}\"");

    /// <summary>
    /// A key the caller does not implement: the config with a warning added when the key does not apply to Mesh,
    /// otherwise the refusal is thrown.
    /// </summary>
    public static Hosting.AgentConfig Unimplemented(Hosting.AgentConfig config, string key, string path)
        => WarningFor(key, path) is { } warning
            ? config with { ConfigWarnings = [.. config.ConfigWarnings, warning] }
            : throw Refusal(key, path);

    /// <summary>Keys of the tables (for tests): the accepted ones and the refused ones.</summary>
    public static IEnumerable<string> IgnoredKeys => Ignored.Keys;

    public static IEnumerable<string> RefusedKeys => Refused.Keys;
}
