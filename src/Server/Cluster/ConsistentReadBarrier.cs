using Mesh.Fsm;
using Mesh.Raft;

namespace Mesh.Server.Cluster;

/// <summary>
/// The barrier before a consistent (or a follower's default) read. On the leader, DotNext's strong read barrier: a
/// replication round confirms leadership and everything in the log is committed and applied. On a follower, Raft's
/// ReadIndex through the leader: DotNext's own follower barrier asks the leader for its commit index, which the leader
/// answers at once without confirming leadership and, just after an election, before the new leader has learnt the
/// commit of entries the old one acknowledged; reads could then return a value older than an acknowledged write (the
/// fault harness saw it after leader kills). Here the leader runs its strong barrier first, then answers its applied
/// index, and the follower waits until it has applied that far.
/// </summary>
public sealed class ConsistentReadBarrier(RaftServer raft, StateMachine fsm, LeaderRpc leaderRpc)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (raft.IsLeader)
        {
            await raft.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var leader = raft.Leader ?? throw new NoLeaderException("No cluster leader");
        ReadIndexResponse? response;
        try
        {
            response = await leaderRpc.CallAsync<ReadIndexResponse>(leader, new ReadIndexRequest(), Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaderCallException call)
        {
            throw new NoLeaderException($"The leader at {call.Target} did not confirm the read: {call.InnerException?.Message}", call);
        }

        if (response is null)
        {
            throw new NoLeaderException("No cluster leader");
        }

        if (response.Error is { } error)
        {
            throw new NoLeaderException(error);
        }

        await WaitForAppliedAsync(response.Index, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The leader's side: its strong barrier, then its applied index; a non-leader says so with a hint.</summary>
    public static async Task<ReadIndexResponse> AnswerAsync(ServerRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (!runtime.Raft.IsLeader)
        {
            return new ReadIndexResponse { NotLeader = true, LeaderHint = LeaderRpc.HintOf(runtime.Raft) };
        }

        try
        {
            await runtime.Raft.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NoLeaderException error)
        {
            return new ReadIndexResponse { Error = error.Message };
        }

        return new ReadIndexResponse { Index = runtime.Fsm.Current.AppliedIndex };
    }

    private async ValueTask WaitForAppliedAsync(long index, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        using var changes = fsm.Changes.Subscribe(); // before the first look, so no apply falls in between
        try
        {
            while (fsm.Current.AppliedIndex < index)
            {
                await changes.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NoLeaderException($"This server did not apply the leader's read index {index} in time (at {fsm.Current.AppliedIndex})");
        }
    }
}
