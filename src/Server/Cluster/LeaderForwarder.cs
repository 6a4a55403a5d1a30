using System.Collections.Concurrent;
using System.Net;
using Mesh.Fsm.Commands;
using Mesh.Raft;
using Mesh.Raft.Transport;
using Mesh.Server.Access;

namespace Mesh.Server.Cluster;

/// <summary>
/// Forwards a follower's writes to the leader over the server RPC (not an HTTP redirect), with the request's ACL token
/// so the leader can check it. The answer comes after the leader has committed and applied the command. Writes that
/// arrive while earlier ones are in flight travel together in one request (<see cref="ForwardedWriteBatcher"/>), each
/// still answered on its own. A stale leader hint is followed a few times (<see cref="LeaderRpc"/>), then the caller's
/// bounded wait for a leader takes over.
/// </summary>
public sealed class LeaderForwarder(LeaderRpc leaderRpc) : ILeaderForwarder
{
    private readonly ConcurrentDictionary<string, ForwardedWriteBatcher> _batchers = new(StringComparer.Ordinal);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many batches may be in flight to the leader at once; 0 sends every write alone (one call each).</summary>
    public int BatchWindow { get; init; } = 2;

    /// <summary>Batched requests sent so far, over all leaders (a write sent alone counts as one).</summary>
    public long BatchesSent => _batchers.Values.Sum(b => b.BatchesSent);

    public async ValueTask<ApplyResult> ForwardAsync(EndPoint leader, Command command, RequestToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(token);
        var request = new ApplyRequest { Command = command, Token = token.SecretId, Internal = token.IsServer };
        if (BatchWindow <= 0)
        {
            return await ForwardOneAsync(leaderRpc, leader, request, Timeout, cancellationToken).ConfigureAwait(false);
        }

        var batcher = _batchers.GetOrAdd(leader.ToString() ?? string.Empty, _ => new ForwardedWriteBatcher(leader, leaderRpc, Timeout) { Window = BatchWindow });
        return await batcher.EnqueueAsync(request, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One write in one call (a batch of one, or a leader that predates batches).</summary>
    internal static async Task<ApplyResult> ForwardOneAsync(LeaderRpc leaderRpc, EndPoint leader, ApplyRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ApplyResponse? response;
        try
        {
            response = await leaderRpc.CallAsync<ApplyResponse>(leader, request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaderCallException call)
        {
            throw Translate(call);
        }

        return response is null ? throw new NoLeaderException("No cluster leader") : ResultOf(response);
    }

    /// <summary>What a caller sees for a call that got no answer.</summary>
    internal static Exception Translate(LeaderCallException call) => call.InnerException switch
    {
        RpcConnectException connect => new LeaderUnreachableException($"The leader at {call.Target} could not be reached: {connect.Message}", call),

        // Sent but unanswered: the write may or may not commit, so it is not retried here.
        { } unanswered when unanswered is IOException or System.Net.Sockets.SocketException or OperationCanceledException => new NoLeaderException(
            $"The leader at {call.Target} stopped answering: {unanswered.Message}; the write may or may not have been applied", call) { MayHaveApplied = true },

        // Anything else (an undecodable answer) is not a leadership problem: surface it as it was.
        { } inner => inner,
        null => call,
    };

    /// <summary>The leader's answer for one write.</summary>
    internal static ApplyResult ResultOf(ApplyResponse response) => response.OutcomeUnknown
        ? throw new NoLeaderException($"The leader lost leadership before the write was committed: {response.Error}") { MayHaveApplied = true }
        : new ApplyResult(response.Index, response.Error, response.ErrorKind);
}
