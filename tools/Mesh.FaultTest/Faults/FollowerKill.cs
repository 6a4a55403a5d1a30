namespace Mesh.FaultTest.Faults;

/// <summary>SIGKILL of a follower under the writers; it restarts from its data folder and catches up.</summary>
public sealed class FollowerKill : Fault
{
    public override string Name => "follower-kill";

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        var follower = context.FollowerOf(leader);
        await follower.KillAsync().ConfigureAwait(false);
        await Task.Delay(context.Between(0.5, 2.5), cancellationToken).ConfigureAwait(false);
        follower.Start();
        context.Log($"killed follower {follower.Name}");
        return null;
    }
}
