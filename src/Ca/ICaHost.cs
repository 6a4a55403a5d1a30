using Mesh.Ca.Config;
using Mesh.Ca.Signing;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Microsoft.Extensions.Logging;

namespace Mesh.Ca;

/// <summary>
/// What the CA needs from the server it runs in: the store, leadership, the write paths, the clock. The server core
/// implements it (<c>Mesh.Server.ServerCaHost</c>); the CA never sees Raft or the cluster RPC directly.
/// </summary>
public interface ICaHost
{
    StateMachine Fsm { get; }

    bool IsLeader { get; }

    /// <summary>This server's datacenter: the only one it signs leaves for.</summary>
    string Datacenter { get; }

    TimeProvider Clock { get; }

    /// <summary>The configuration the CA starts with on first leadership (the agent's <c>connect.ca_config</c>).</summary>
    CaProviderConfig InitialConfig { get; }

    ILoggerFactory LoggerFactory { get; }

    /// <summary>Appends a command on this server, which must be the leader.</summary>
    ValueTask<ApplyResult> ProposeAsync(Command command, CancellationToken cancellationToken);

    /// <summary>Writes a command from any server (a follower forwards it to the leader).</summary>
    ValueTask<ApplyResult> SubmitAsync(Command command, CancellationToken cancellationToken);

    /// <summary>Sends a CSR to the leader for signing (a follower's path; the leader signs itself).</summary>
    ValueTask<SignedLeaf> ForwardSignAsync(byte[] csr, CancellationToken cancellationToken);

    /// <summary>Completes once this server has applied <paramref name="index"/>, so it reads its own writes.</summary>
    Task WaitForAppliedAsync(long index, CancellationToken cancellationToken);
}
