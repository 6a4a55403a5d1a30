using Mesh.Raft;
using Mesh.Server.Cluster;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>
/// Resumes, bootstraps or joins the cluster. A server that can finish at once (resume, bootstrap alone, join a running
/// cluster) does so before the host goes on; one that waits for its peers (<c>-bootstrap-expect=N</c> on a fresh
/// folder) keeps waiting in the background while the rest of the server starts and the API answers 503s.
/// </summary>
internal sealed class ClusterJoinService(ClusterJoiner joiner, RaftServer raft, MeshServerOptions options, ILogger<ClusterJoinService> logger)
    : ServerLoop(logger)
{
    protected override string Name => "cluster join";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var joining = joiner.RunAsync(Stopping);
        Track(JoinThenKeepMembershipAsync(joining, Stopping));
        if (!(raft.IsFresh && (options.Cluster.BootstrapExpect > 1 || !options.ExplicitBootstrap)))
        {
            await joining.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task RunAsync(CancellationToken cancellationToken) =>
        JoinThenKeepMembershipAsync(joiner.RunAsync(cancellationToken), cancellationToken);

    /// <summary>Once joined, keeps this server in the configuration: a server removed while it was down asks to be re-added.</summary>
    private async Task JoinThenKeepMembershipAsync(Task joining, CancellationToken cancellationToken)
    {
        await joining.ConfigureAwait(false);
        await joiner.KeepMembershipAsync(cancellationToken).ConfigureAwait(false);
    }
}
