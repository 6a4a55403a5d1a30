using System.Net;
using Mesh.Fsm.Commands;
using Mesh.Raft;
using Mesh.Raft.Transport;
using Mesh.Server.Access;

namespace Mesh.Server.Cluster;

/// <summary>
/// Forwards a follower's writes to the leader over the server RPC (not an HTTP redirect), with the request's ACL token
/// so the leader can check it. The answer comes after the leader has committed and applied the command. A stale
/// leader hint is followed a few times (<see cref="LeaderRpc"/>), then the caller's bounded wait for a leader takes over.
/// </summary>
public sealed class LeaderForwarder(LeaderRpc leaderRpc) : ILeaderForwarder
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<ApplyResult> ForwardAsync(EndPoint leader, Command command, RequestToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ApplyResponse? response;
        try
        {
            response = await leaderRpc.CallAsync<ApplyResponse>(leader, new ApplyRequest { Command = command, Token = token.SecretId, Internal = token.IsServer }, Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaderCallException call) when (call.InnerException is RpcConnectException connect)
        {
            throw new LeaderUnreachableException($"The leader at {call.Target} could not be reached: {connect.Message}", call);
        }
        catch (LeaderCallException call) when (call.InnerException is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // Sent but unanswered: the write may or may not commit, so it is not retried here.
            throw new NoLeaderException($"The leader at {call.Target} stopped answering: {call.InnerException.Message}; the write may or may not have been applied", call) { MayHaveApplied = true };
        }
        catch (LeaderCallException call) when (call.InnerException is not null)
        {
            // Anything else (an undecodable answer) is not a leadership problem: surface it as it was.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(call.InnerException);
            throw;
        }

        if (response is { OutcomeUnknown: true })
        {
            throw new NoLeaderException($"The leader lost leadership before the write was committed: {response.Error}") { MayHaveApplied = true };
        }

        return response is null
            ? throw new NoLeaderException("No cluster leader")
            : new ApplyResult(response.Index, response.Error, response.ErrorKind);
    }
}
