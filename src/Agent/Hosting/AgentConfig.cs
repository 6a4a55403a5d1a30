namespace Mesh.Agent.Hosting;

/// <summary>The agent's settings, from flags and <c>-config-file</c> (Consul's names and defaults).</summary>
public sealed record AgentConfig
{
    public bool Dev { get; init; }

    public bool Server { get; init; }

    public string NodeName { get; init; } = Environment.MachineName;

    public string? NodeId { get; init; }

    public string Datacenter { get; init; } = "dc1";

    /// <summary>Raft data folder; required outside <c>-dev</c>.</summary>
    public string? DataDir { get; init; }

    /// <summary>Address the server port binds to and is advertised at.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>Consul's <c>advertise_addr_wan</c>: the address reported to WAN clients (dataplanes watching servers with <c>wan</c>); null for the LAN address.</summary>
    public string? AdvertiseWanAddress { get; init; }

    /// <summary>Addresses the HTTP and gRPC APIs bind to.</summary>
    public IReadOnlyList<string> ClientAddresses { get; init; } = ["127.0.0.1"];

    public int HttpPort { get; init; } = 8500;

    public int GrpcPort { get; init; } = 8502;

    public int ServerPort { get; init; } = 8300;

    /// <summary>Consul's <c>ports.https</c>: the HTTPS API; -1 (the default) is off, 8501 by convention.</summary>
    public int HttpsPort { get; init; } = -1;

    /// <summary>Consul's <c>ports.grpc_tls</c>: the TLS gRPC (xDS) port; -1 (the default here) is off, 8503 by convention.</summary>
    public int GrpcTlsPort { get; init; } = -1;

    /// <summary>Consul's <c>ports.sidecar_min_port</c>: the first port given to a sidecar registered without one.</summary>
    public int SidecarMinPort { get; init; } = 21000;

    /// <summary>Consul's <c>ports.sidecar_max_port</c>: the last port of the automatic sidecar range.</summary>
    public int SidecarMaxPort { get; init; } = 21255;

    /// <summary>
    /// Warnings from the config files: keys of Consul's that Mesh accepts but that have no effect here, each naming
    /// the key and the file (printed when the agent starts).
    /// </summary>
    public IReadOnlyList<string> ConfigWarnings { get; init; } = [];

    /// <summary>Consul's <c>domain</c> without the trailing dot: server certificates are checked for <c>server.&lt;dc&gt;.&lt;domain&gt;</c>.</summary>
    public string Domain { get; init; } = "consul";

    /// <summary>Consul's <c>tls</c> block (and the old top-level TLS keys).</summary>
    public Mesh.Agent.Tls.TlsConfig Tls { get; init; } = new();

    public bool Bootstrap { get; init; }

    public int BootstrapExpect { get; init; }

    public IReadOnlyList<string> RetryJoin { get; init; } = [];

    /// <summary><c>-retry-join-wan</c> / <c>retry_join_wan</c>: servers (host:server-port) of other datacenters to federate with.</summary>
    public IReadOnlyList<string> RetryJoinWan { get; init; } = [];

    /// <summary><c>retry_interval_wan</c>: how often the other datacenters' server lists are refreshed.</summary>
    public TimeSpan RetryIntervalWan { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>primary_datacenter</c>: recorded; nothing is replicated from it (see docs/decisions.md).</summary>
    public string PrimaryDatacenter { get; init; } = string.Empty;

    public string LogLevel { get; init; } = "info";

    /// <summary>Raft snapshot every this many applied entries.</summary>
    public int SnapshotThreshold { get; init; } = 16384;

    /// <summary>How often <c>-retry-join</c> addresses are tried while forming or joining a cluster.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consul's <c>default_intention_policy</c>: "allow", "deny", or null (the ACL default: allow).</summary>
    public string? DefaultIntentionPolicy { get; init; }

    /// <summary>Consul's <c>connect.ca_provider</c> (only "consul"); null for the default.</summary>
    public string? ConnectCaProvider { get; init; }

    /// <summary>Consul's <c>connect.ca_config</c> as JSON text: the CA's configuration when it is first initialized.</summary>
    public string? ConnectCaConfig { get; init; }

    /// <summary>Consul's <c>xds</c> block, <c>max_streams</c>: concurrent xDS streams this server accepts (more get RESOURCE_EXHAUSTED).</summary>
    public int XdsMaxStreams { get; init; } = Mesh.XdsServer.XdsServerOptions.DefaultMaxStreams;

    /// <summary><c>xds.coalesce_delay</c>: how long proxycfg gathers changes before building a proxy's new snapshot (Consul: 200ms).</summary>
    public TimeSpan XdsCoalesceDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Most proxy snapshot rebuilds per second (<c>xds.update_max_per_second</c>); 0 = no limit.</summary>
    public double XdsUpdateMaxPerSecond { get; init; }

    /// <summary>Consul's <c>acl</c> block (parsed; enforcement is wired in a later phase).</summary>
    public Mesh.Acl.AclConfig Acl { get; init; } = new();

    /// <summary>Autopilot: dead-server cleanup and server health pings.</summary>
    public Mesh.Server.Cluster.AutopilotOptions Autopilot { get; init; } = new();

    /// <summary>Consul's <c>enable_script_checks</c>: script checks from the HTTP API and config files run.</summary>
    public bool EnableScriptChecks { get; init; }

    /// <summary>Consul's <c>enable_local_script_checks</c>: script checks from config files only run.</summary>
    public bool EnableLocalScriptChecks { get; init; }

    /// <summary>Consul's <c>check_output_max_size</c>: bytes of check output kept (default 4096).</summary>
    public int CheckOutputMaxSize { get; init; } = 4096;

    /// <summary>Service definitions from config files (<c>service</c>, <c>services</c>) as JSON with the API's key names.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Check definitions from config files (<c>check</c>, <c>checks</c>) as JSON with the API's key names.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>Logging: <c>log_json</c>, <c>log_file</c> and the <c>log_rotate_*</c> keys.</summary>
    public Mesh.Agent.Logging.LogOutputOptions LogOutput { get; init; } = new();
    /// <summary>Consul's <c>ui_config.enabled</c> (and <c>-ui</c>): serve the web UI at <c>/ui/</c>; on by default only in <c>-dev</c>.</summary>
    public bool UiEnabled { get; init; }

    /// <summary>A development server: one in-memory-like server with its log in a temp folder, bootstrapped at once.</summary>
    public static AgentConfig DevDefaults { get; } = new() { Dev = true, Server = true, Bootstrap = true, LogLevel = "info", UiEnabled = true };
}
