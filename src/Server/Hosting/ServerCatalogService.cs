using Mesh.Raft;
using Mesh.Server.Membership;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>Runs the leader's reconcile of servers into the catalog every second (a no-op on followers).</summary>
internal sealed class ServerCatalogService(ServerCatalogReconciler reconciler, ILogger<ServerCatalogService> logger) : ServerLoop(logger)
{
    protected override string Name => "server catalog";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await reconciler.ReconcileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is InvalidOperationException or IOException or TimeoutException or NotLeaderException or NoLeaderException)
            {
                // the next round tries again
            }
        }
    }
}
