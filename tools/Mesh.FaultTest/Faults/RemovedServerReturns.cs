using Mesh.FaultTest.Cluster;

namespace Mesh.FaultTest.Faults;

/// <summary>
/// A follower is SIGKILLed and removed from the Raft configuration (<c>DELETE /v1/operator/raft/peer</c>, as
/// autopilot's dead-server cleanup would), then restarted with the same arguments and data folder: as in Consul it
/// must be re-added and catch up. If it is not back within the bound, the round fails and the server is recovered the
/// operator's way (data folder wiped, joins as a new server) so later rounds run on a full cluster.
/// </summary>
public sealed class RemovedServerReturns : Fault
{
    public override string Name => "removed-returns";

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var cluster = context.Cluster;
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        var follower = context.FollowerOf(leader);
        await follower.KillAsync().ConfigureAwait(false);
        var lastAttempt = "no leader among the other servers";
        var removed = await FaultCluster.WaitUntilAsync(async () =>
        {
            try
            {
                var current = await cluster.LeaderAsync(cluster.Servers.Where(s => s != follower), cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return false;
                }

                // An earlier DELETE whose answer was lost (client timeout under load) may have removed it already; a
                // second DELETE then fails because the address is no longer a peer, so look before asking again.
                if (await cluster.PeerCountAsync(current, cancellationToken).ConfigureAwait(false) == cluster.Servers.Count - 1)
                {
                    return true;
                }

                using var response = await current.Http.DeleteAsync($"/v1/operator/raft/peer?address={follower.ServerAddress}", cancellationToken).ConfigureAwait(false);
                lastAttempt = $"DELETE on {current.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
                return response.IsSuccessStatusCode && await cluster.PeerCountAsync(current, cancellationToken).ConfigureAwait(false) == cluster.Servers.Count - 1;
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                lastAttempt = $"{error.GetType().Name}: {error.Message}";
                return false;
            }
        }, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!removed)
        {
            follower.Start();
            return $"could not remove {follower.Name} from the configuration within 30 s (last attempt: {lastAttempt.Trim()})";
        }

        await Task.Delay(context.Between(0.5, 2), cancellationToken).ConfigureAwait(false);
        follower.Start();
        var rejoined = await FaultCluster.WaitUntilAsync(() => cluster.IsHealthyAsync(cancellationToken), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        context.Log($"removed {follower.Name} while down and restarted it: {(rejoined ? "re-added" : "NOT re-added within 60s")}");
        if (rejoined)
        {
            return null;
        }

        await follower.KillAsync().ConfigureAwait(false);
        Directory.Delete(follower.DataDir, recursive: true);
        Directory.CreateDirectory(follower.DataDir);
        follower.Start();
        return $"removed server {follower.Name} was not re-added within 60s of its restart (recovered by wiping its data folder)";
    }
}
