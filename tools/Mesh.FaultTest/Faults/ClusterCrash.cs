namespace Mesh.FaultTest.Faults;

/// <summary>SIGKILL of every server at once (a power cut), then all restart from their data folders.</summary>
public sealed class ClusterCrash : Fault
{
    public override string Name => "cluster-crash";

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        await Task.WhenAll(context.Cluster.Servers.Select(s => s.KillAsync())).ConfigureAwait(false);
        await Task.Delay(context.Between(0.2, 1.5), cancellationToken).ConfigureAwait(false);
        foreach (var server in context.Cluster.Servers)
        {
            server.Start();
        }

        context.Log("killed and restarted every server");
        return null;
    }
}
