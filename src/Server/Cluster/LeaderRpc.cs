using System.Net;
using Mesh.Raft;

namespace Mesh.Server.Cluster;

/// <summary>An RPC answer a non-leader may give instead: "not the leader, try <see cref="LeaderHint"/>".</summary>
public interface ILeaderAnswer
{
    bool NotLeader { get; }

    string LeaderHint { get; }
}

/// <summary>A leader RPC that never got an answer from <see cref="Target"/>; the inner exception says why.</summary>
public sealed class LeaderCallException : Exception
{
    public LeaderCallException()
        : this("The leader call failed")
    {
    }

    public LeaderCallException(string message)
        : base(message)
    {
        Target = null;
    }

    public LeaderCallException(string message, Exception inner)
        : base(message, inner)
    {
        Target = null;
    }

    public LeaderCallException(EndPoint target, Exception inner)
        : base($"The leader at {target} did not answer: {inner?.Message}", inner)
    {
        Target = target;
    }

    public EndPoint? Target { get; }
}

/// <summary>
/// The one way a server calls the leader: send to the leader it knows of and, when the receiver answers "not the
/// leader", follow its hint a few times. Writes, leaf signing and peer removal all go through here.
/// </summary>
public sealed class LeaderRpc(ServerRpc rpc)
{
    /// <summary>How many servers a call is sent to before giving up on hints.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// Returns the leader's answer, or null when no leader could be found (a non-leader answered without a hint, or the
    /// hints ran out). Throws <see cref="LeaderCallException"/> when a server did not answer; nothing is retried then,
    /// since a write that was sent may have been applied.
    /// </summary>
    public async Task<TResponse?> CallAsync<TResponse>(EndPoint leader, RpcRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        where TResponse : RpcResponse, ILeaderAnswer
    {
        ArgumentNullException.ThrowIfNull(leader);
        var target = leader;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            TResponse response;
            try
            {
                response = await rpc.CallAsync<TResponse>(target, request, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new LeaderCallException(target, error);
            }

            if (!response.NotLeader)
            {
                return response;
            }

            if (response.LeaderHint.Length == 0)
            {
                break;
            }

            target = ServerRpc.ParseEndPoint(response.LeaderHint, ServerRpc.DefaultPort);
        }

        return null;
    }

    /// <summary>The hint a non-leader gives: the leader it knows of, or empty.</summary>
    public static string HintOf(RaftServer raft)
    {
        ArgumentNullException.ThrowIfNull(raft);
        return raft.Leader is { } leader ? ServerAddress.Format(leader) : string.Empty;
    }
}
