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

    /// <summary>
    /// The token this server uses for its own writes (self-registration, check results): <c>acl.tokens.agent</c>,
    /// else <c>acl.tokens.default</c>, else anonymous. A follower forwards them with it, so the leader checks them.
    /// </summary>
    public RequestToken AgentToken { get; init; } = RequestToken.Anonymous;

    /// <summary>The server set, for operator endpoints; set once the cluster layer is up.</summary>
    public IClusterView? Cluster { get; set; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The Connect CA (roots, configuration, leaf certificates); set by the host before the API starts.</summary>
    public Mesh.Ca.CaRuntime? Ca { get; set; }

    /// <summary>Serializes agent-level registrations so that automatic sidecar ports are not handed out twice.</summary>
    public SemaphoreSlim AgentRegistrationLock { get; } = new(1, 1);
}
