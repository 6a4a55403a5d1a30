using Mesh.Ca.Config;
using Mesh.Raft;
using Mesh.Server.Cluster;

namespace Mesh.Server.Hosting;

/// <summary>Everything the server core needs to be composed (the agent's configuration, already parsed).</summary>
public sealed record MeshServerOptions
{
    public required RaftServerOptions Raft { get; init; }

    public required AgentIdentity Identity { get; init; }

    public ClusterOptions Cluster { get; init; } = new();

    /// <summary><c>-bootstrap</c> or <c>-dev</c>: bootstrap alone without waiting for any peer.</summary>
    public bool ExplicitBootstrap { get; init; }

    public AutopilotOptions Autopilot { get; init; } = new();

    /// <summary>WAN federation: other datacenters' servers to learn (<c>retry_join_wan</c>) and how often.</summary>
    public Federation.WanOptions Wan { get; init; } = new();

    /// <summary>The CA configuration used on first leadership (<c>connect.ca_provider</c>/<c>ca_config</c>).</summary>
    public CaProviderConfig CaConfig { get; init; } = CaProviderConfig.Default;

    /// <summary>The agent's <c>acl</c> block; ACLs are enforced when <c>Enabled</c>.</summary>
    public Mesh.Acl.AclConfig Acl { get; init; } = new();

    /// <summary>Where <c>PUT /v1/agent/token</c> persists tokens when <c>acl.enable_token_persistence</c> is on (the data directory's <c>acl-tokens.json</c>).</summary>
    public string? AclTokenPersistencePath { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The hosting process's hooks (leave, reload) and the log lines monitors read.</summary>
    public Membership.AgentHostBinding AgentHost { get; init; } = new();
}
