using System.Net;
using Mesh.Api.Http;
using Mesh.Api.Server;
using Mesh.Fsm.Commands;
using Mesh.Raft;

namespace Mesh.Agent.Cluster;

/// <summary>
/// Forwards a follower's writes to the leader over the server RPC (not an HTTP redirect). The answer comes after the
/// leader has committed and applied the command. A stale leader hint is followed a few times, then the caller's
/// bounded wait for a leader takes over.
/// </summary>
public sealed class LeaderForwarder(ServerRpc rpc) : ILeaderForwarder
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<ApplyResult> ForwardAsync(EndPoint leader, Command command, RequestToken token, CancellationToken cancellationToken)
    {
        var target = leader;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            ApplyResponse response;
            try
            {
                response = await rpc.CallAsync<ApplyResponse>(target, new ApplyRequest { Command = command, Token = token.SecretId }, Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Mesh.Raft.Transport.RpcConnectException error)
            {
                throw new LeaderUnreachableException($"The leader at {target} could not be reached: {error.Message}", error);
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Sent but unanswered: the write may or may not commit, so it is not retried here.
                throw new NoLeaderException($"The leader at {target} stopped answering: {error.Message}; the write may or may not have been applied", error);
            }

            if (!response.NotLeader)
            {
                return new ApplyResult(response.Index, response.Error, response.ErrorKind);
            }

            if (response.LeaderHint.Length == 0)
            {
                break;
            }

            target = ServerRpc.ParseEndPoint(response.LeaderHint, 8300);
        }

        throw new NoLeaderException("No cluster leader");
    }
}
