using System.Collections.Concurrent;
using Mesh.FaultTest.Cluster;
using Mesh.FaultTest.Workload;

namespace Mesh.FaultTest.Faults;

/// <summary>One kind of fault: injected, given time to act under the workload, then healed.</summary>
public abstract class Fault
{
    public abstract string Name { get; }

    /// <summary>False when this run's network cannot apply it (partitions without namespaces, mounts without root).</summary>
    public virtual bool IsAvailable(FaultCluster cluster) => true;

    /// <summary>Runs one round; returns a failure message, or null when the product behaved as documented.</summary>
    public abstract Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken);
}

/// <summary>What a fault acts on: the cluster, the workload, the run's seeded random source and its log.</summary>
public sealed record FaultContext(FaultCluster Cluster, ClusterWorkload Workload, Random Random, Action<string> Log, ConcurrentDictionary<string, int> Observations)
{
    /// <summary>Counts an outcome worth reporting (how a server reacted to a damaged log or a full disk).</summary>
    public void Observe(string what) => Observations.AddOrUpdate(what, 1, (_, n) => n + 1);

    public TimeSpan Between(double minSeconds, double maxSeconds) => TimeSpan.FromSeconds(minSeconds + (Random.NextDouble() * (maxSeconds - minSeconds)));

    public async Task<ServerProcess> LeaderAsync(CancellationToken cancellationToken)
    {
        ServerProcess? leader = null;
        await FaultCluster.WaitUntilAsync(async () => (leader = await Cluster.LeaderAsync(cancellationToken: cancellationToken).ConfigureAwait(false)) is not null, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return leader ?? throw new TimeoutException("no leader agreed on within 60s");
    }

    public ServerProcess FollowerOf(ServerProcess leader)
    {
        var followers = Cluster.Servers.Where(s => s != leader).ToList();
        return followers[Random.Next(followers.Count)];
    }

    /// <summary>Waits for the given servers to agree on a leader other than <paramref name="old"/>; the time it took, or null.</summary>
    public async Task<TimeSpan?> NewLeaderAsync(IEnumerable<ServerProcess> among, ServerProcess? old, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var list = among.ToList();
        var found = await FaultCluster.WaitUntilAsync(async () =>
        {
            var leader = await Cluster.LeaderAsync(list, cancellationToken).ConfigureAwait(false);
            return leader is not null && leader != old;
        }, timeout, cancellationToken).ConfigureAwait(false);
        return found ? DateTime.UtcNow - started : null;
    }
}
