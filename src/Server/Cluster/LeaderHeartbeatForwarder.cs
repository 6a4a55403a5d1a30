using Mesh.Fsm.Model;
using Mesh.Raft;

namespace Mesh.Server.Cluster;

/// <summary>Sends a follower's TTL heartbeats to the current leader over the server RPC.</summary>
public sealed class LeaderHeartbeatForwarder(RaftServer raft, ServerRpc rpc) : ITtlHeartbeatForwarder, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public void Forward(HealthCheck check)
    {
        if (raft.Leader is not { } leader || _stopping.IsCancellationRequested)
        {
            return;
        }

        var token = _stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await rpc.CallAsync<AckResponse>(leader, new TtlHeartbeatRequest { Node = check.Node, CheckId = check.CheckId }, TimeSpan.FromSeconds(5), token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
            {
                // The leader resets deadlines when it takes over, so a lost heartbeat only shortens one TTL.
            }
        });
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
