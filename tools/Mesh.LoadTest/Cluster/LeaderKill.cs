using System.Diagnostics;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Cluster;

/// <summary>
/// Election time after a leader crash: find the leader, SIGKILL it, poll the survivors every 10 ms until one reports
/// another leader and a write through it succeeds, then restart the killed server from its data and wait for the
/// cluster to be whole again before the next attempt.
/// </summary>
public static class LeaderKill
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<ElectionResult>> RunAsync(ClusterTarget cluster, int attempts, CancellationToken cancellationToken)
    {
        using var http = cluster.CreateProbeClient();
        var results = new List<ElectionResult>();
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            await cluster.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            var leader = await cluster.LeaderSeenByAsync(http, cluster.Members[0], cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{cluster.Name}: no leader before the kill");
            var survivors = cluster.Members.Where(m => m != leader).ToArray();

            var killed = Stopwatch.GetTimestamp();
            await leader.KillAsync().ConfigureAwait(false);
            var (newLeader, seen, written) = await AwaitNewLeaderAsync(cluster, http, leader, survivors, killed, cancellationToken).ConfigureAwait(false);
            results.Add(new ElectionResult(cluster.Name, attempt, leader.Name, newLeader.Name, seen, written));
            await Console.Error.WriteLineAsync($"election {cluster.Name} #{attempt}: killed {leader.Name}, {newLeader.Name} leads after {seen:N0} ms, write acknowledged after {written:N0} ms").ConfigureAwait(false);

            leader.Start();
        }

        await cluster.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        return results;
    }

    private static async Task<(ClusterMember Leader, double Seen, double Written)> AwaitNewLeaderAsync(
        ClusterTarget cluster, HttpClient http, ClusterMember old, ClusterMember[] survivors, long killed, CancellationToken cancellationToken)
    {
        double? seen = null;
        while (Stopwatch.GetElapsedTime(killed) < Bound)
        {
            foreach (var survivor in survivors)
            {
                var leader = await cluster.LeaderSeenByAsync(http, survivor, cancellationToken).ConfigureAwait(false);
                if (leader is null || leader == old)
                {
                    continue;
                }

                seen ??= Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
                if (await cluster.TryWriteAsync(http, survivor, cancellationToken).ConfigureAwait(false))
                {
                    return (leader, seen.Value, Stopwatch.GetElapsedTime(killed).TotalMilliseconds);
                }
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{cluster.Name}: no new leader accepting writes {Bound.TotalSeconds:F0} s after killing {old.Name}");
    }
}
