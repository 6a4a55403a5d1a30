using Mesh.Raft;
using Microsoft.Extensions.Hosting;

namespace Mesh.Server.Hosting;

/// <summary>Opens the Raft log and the server port first, so every later service finds Raft running.</summary>
internal sealed class RaftStartService(RaftServer raft) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => raft.OpenAsync(cancellationToken);

    // The provider disposes the Raft server after every hosted service stopped.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
