namespace Mesh.Server;

/// <summary>What the operator endpoints need to know about, and do to, the set of servers.</summary>
public interface IClusterView
{
    /// <summary>Every server in the Raft configuration, this one included, as last observed.</summary>
    IReadOnlyList<ServerMember> Servers { get; }

    /// <summary>Autopilot's verdict: every voter healthy.</summary>
    bool Healthy { get; }

    /// <summary>How many servers may fail before quorum is lost.</summary>
    int FailureTolerance { get; }

    /// <summary>Removes a Raft peer by its server address (executed by the leader, forwarded if needed).</summary>
    Task RemovePeerAsync(string address, CancellationToken cancellationToken);

    /// <summary>The autopilot configuration in force (replicated, or the agent's settings until one is set).</summary>
    Mesh.Fsm.Model.AutopilotConfig Configuration { get; }

    /// <summary>Makes the current leader (this server or, over RPC, another) give up leadership; returns the new leader's address.</summary>
    /// <exception cref="Cluster.LeadershipTransferException">The leader refused or no new leader was elected in time.</exception>
    Task<string> StepDownLeaderAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Moves leadership away from the current leader and, when <paramref name="targetAddress"/> is given, on until that
    /// server leads. Leadership changing while a forwarded step-down is in flight (its answer lost with it) is not a
    /// failure: the outcome is judged by who leads afterwards. Returns the new leader's address.
    /// </summary>
    /// <exception cref="Cluster.LeadershipTransferException">No new leader (or not the target) within the allowed rounds.</exception>
    Task<string> TransferLeadershipAsync(string? targetAddress, CancellationToken cancellationToken);
}

/// <summary>One server as the operator API reports it.</summary>
public sealed record ServerMember
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The server (Raft) address, <c>ip:port</c>.</summary>
    public required string Address { get; init; }

    public bool Leader { get; init; }

    public bool Voter { get; init; } = true;

    public bool Alive { get; init; }

    public bool Healthy { get; init; }

    public TimeSpan LastContact { get; init; }

    public long LastTerm { get; init; }

    public long LastIndex { get; init; }

    public DateTimeOffset StableSince { get; init; }

    public string Version { get; init; } = string.Empty;

    /// <summary>The server's WAN address (Consul's <c>advertise_addr_wan</c>), a bare IP; empty until heard from.</summary>
    public string WanAddress { get; init; } = string.Empty;
}
