using Mesh.Fsm;
using Mesh.Raft;
using Mesh.Server.Access;

namespace Mesh.Server;

/// <summary>What the HTTP handlers work with: the local store, the Raft server, the write pipeline and this node's identity.</summary>
public sealed class ServerRuntime
{
    public required StateMachine Fsm { get; init; }

    public required RaftServer Raft { get; init; }

    public required CommandPipeline Commands { get; init; }

    public required AgentIdentity Self { get; init; }

    public required TtlTracker Ttl { get; init; }

    public IAccessPolicy Access { get; init; } = AllowAllPolicy.Instance;

    /// <summary>The agent's <c>acl</c> block (token TTL limits for the ACL endpoints; ACLs are on when <c>Enabled</c>).</summary>
    public Mesh.Acl.AclConfig Acl { get; init; } = new();

    /// <summary>
    /// The token for writes made on behalf of the agent (check results of agent-registered services): <c>acl.tokens.agent</c>,
    /// else <c>acl.tokens.default</c>, else anonymous; checked as any request. The server's own writes use <see cref="RequestToken.Server"/>.
    /// </summary>
    public RequestToken AgentToken => AgentTokens.AgentToken;

    /// <summary>The agent's <c>acl.tokens</c>, changeable at run time (<c>PUT /v1/agent/token/:type</c>).</summary>
    public AgentTokenStore AgentTokens { get; init; } = new();

    /// <summary>The server set, for operator endpoints (null where no cluster layer runs, as in unit tests).</summary>
    public IClusterView? Cluster { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The barrier before consistent reads (ReadIndex through the leader on a follower); null in unit tests.</summary>
    public Cluster.ConsistentReadBarrier? Reads { get; init; }

    /// <summary>The Connect CA (roots, configuration, leaf certificates); null only where no CA runs (unit tests).</summary>
    public Mesh.Ca.CaRuntime? Ca { get; init; }

    /// <summary>Join, force-leave and leave (resolved on first use: it depends on the cluster RPC, which depends on this runtime).</summary>
    public Lazy<Membership.ServerMembership>? Membership { get; init; }

    /// <summary>
    /// Other datacenters (WAN federation): their names and servers, and queries forwarded to them (resolved on first
    /// use: it depends on the cluster RPC). Null where no cluster layer runs (unit tests): only this datacenter exists.
    /// </summary>
    public Lazy<Federation.WanFederation>? Wan { get; init; }

    /// <summary>The process hosting this server (leave, reload) and its log lines for monitors.</summary>
    public Membership.AgentHostBinding AgentHost { get; init; } = new();

    /// <summary>Serializes agent-level registrations so that automatic sidecar ports are not handed out twice.</summary>
    public SemaphoreSlim AgentRegistrationLock { get; } = new(1, 1);
}
