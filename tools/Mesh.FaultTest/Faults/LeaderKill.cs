namespace Mesh.FaultTest.Faults;

/// <summary>SIGKILL of the leader under the writers; the rest must elect a new one; the killed server restarts.</summary>
public sealed class LeaderKill : Fault
{
    public override string Name => "leader-kill";

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        await leader.KillAsync().ConfigureAwait(false);
        var survivors = context.Cluster.Servers.Where(s => s != leader).ToList();
        var elected = await context.NewLeaderAsync(survivors, leader, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        await Task.Delay(context.Between(0.3, 1.5), cancellationToken).ConfigureAwait(false);
        leader.Start();
        context.Log($"killed leader {leader.Name}; new leader after {elected?.TotalMilliseconds ?? double.NaN:0} ms");
        return elected is null ? $"no new leader within 30s after killing {leader.Name}" : null;
    }
}
