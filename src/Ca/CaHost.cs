using Mesh.Ca.Config;
using Mesh.Ca.Signing;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Ca;

/// <summary>What the CA needs from the server it runs in: the store, leadership, the write paths, the clock.</summary>
public sealed class CaHost
{
    public required StateMachine Fsm { get; init; }

    public required Func<bool> IsLeader { get; init; }

    /// <summary>Appends a command on this server, which must be the leader.</summary>
    public required Func<Command, CancellationToken, ValueTask<ApplyResult>> ProposeAsync { get; init; }

    /// <summary>Writes a command from any server (a follower forwards it to the leader).</summary>
    public required Func<Command, CancellationToken, ValueTask<ApplyResult>> SubmitAsync { get; init; }

    /// <summary>Sends a CSR to the leader for signing (set by the cluster layer; without it only the leader can issue leaves).</summary>
    public Func<byte[], CancellationToken, ValueTask<SignedLeaf>>? ForwardSignAsync { get; set; }

    /// <summary>This server's datacenter: the only one it signs leaves for.</summary>
    public required string Datacenter { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The configuration the CA starts with on first leadership (the agent's <c>connect.ca_config</c>).</summary>
    public CaProviderConfig InitialConfig { get; init; } = CaProviderConfig.Default;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Waits on the change feed until this server has applied <paramref name="index"/>, so it reads its own writes.</summary>
    public async Task WaitForAppliedAsync(long index, CancellationToken cancellationToken)
    {
        if (Fsm.Current.AppliedIndex >= index)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await Fsm.Changes.WaitForIndexAsync(index, timeout.Token).ConfigureAwait(false);
    }
}
