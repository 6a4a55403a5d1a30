using Mesh.Ca.Leaves;

namespace Mesh.ProxyCfg;

/// <summary>
/// Follows one service's leaf in the server's leaf cache for a proxy: asks, hands each new leaf (new index or serial)
/// over, and asks again with the last index, retrying after failures until cancelled. A sidecar follows its service's
/// leaf, a gateway its own (an ingress gateway's with its DNS names), and a terminating gateway also each linked service's.
/// </summary>
internal static class LeafFollower
{
    /// <summary>Longest single leaf wait; the loop simply asks again.</summary>
    private static readonly TimeSpan LeafWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LeafRetry = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(
        ProxyConfigSource source, ProxyId id, LeafRequest request, Func<IssuedLeaf?> current, Action<IssuedLeaf> arrived, CancellationToken cancellationToken)
    {
        long minIndex = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var leaf = await source.Leaves.GetAsync(request, minIndex, LeafWait, cancellationToken);
                var held = current();
                if (held is null || leaf.ModifyIndex != held.ModifyIndex || leaf.SerialNumber != held.SerialNumber)
                {
                    ProxyCfgLog.LeafArrived(source.Logger, leaf.SerialNumber, request.ToString(), id);
                    arrived(leaf);
                }

                minIndex = leaf.ModifyIndex;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the leader may be away or rate limiting; keep asking
            catch (Exception error)
#pragma warning restore CA1031
            {
                ProxyCfgLog.LeafFailed(source.Logger, request.ToString(), id, error);
                await Task.Delay(LeafRetry, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }
}
