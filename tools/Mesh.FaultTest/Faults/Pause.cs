namespace Mesh.FaultTest.Faults;

/// <summary>
/// SIGSTOP of a server (the leader two times in three) for longer than the election timeout (400-800 ms), then
/// SIGCONT: a paused leader must not acknowledge anything after the others have moved on.
/// </summary>
public sealed class Pause : Fault
{
    public override string Name => "pause";

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        var target = context.Random.Next(3) < 2 ? leader : context.FollowerOf(leader);
        var pause = context.Between(1.5, 4);
        await target.PauseAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await target.ResumeAsync().ConfigureAwait(false);
        }

        context.Log($"paused {(target == leader ? "leader" : "follower")} {target.Name} for {pause.TotalMilliseconds:0} ms");
        return null;
    }
}
