using Mesh.FaultTest.Cluster;

namespace Mesh.FaultTest.Faults;

/// <summary>
/// Cuts one server (the leader two times in three) off from the others with blackhole routes, keeps the writers going
/// against every server (the isolated one included) for a few seconds, then heals. When the leader is cut off the
/// majority must elect a new one.
/// </summary>
public sealed class Partition : Fault
{
    public override string Name => "partition";

    public override bool IsAvailable(FaultCluster cluster) => cluster.Network.CanPartition;

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        var isolated = context.Random.Next(3) < 2 ? leader : context.FollowerOf(leader);
        var network = context.Cluster.Network;
        var hold = context.Between(3, 7);
        TimeSpan? elected = null;
        await network.PartitionAsync([isolated.Ordinal], context.Cluster.Servers.Count).ConfigureAwait(false);
        try
        {
            var started = DateTime.UtcNow;
            if (isolated == leader)
            {
                elected = await context.NewLeaderAsync(context.Cluster.Servers.Where(s => s != isolated), leader, hold + TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
            }

            var left = hold - (DateTime.UtcNow - started);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await network.HealAsync().ConfigureAwait(false);
        }

        context.Log($"partitioned {(isolated == leader ? "leader" : "follower")} {isolated.Name} for {hold.TotalMilliseconds:0} ms"
            + (isolated == leader ? $"; majority elected after {elected?.TotalMilliseconds ?? double.NaN:0} ms" : string.Empty));
        return isolated == leader && elected is null ? "the majority elected no leader while the old one was cut off" : null;
    }
}
