using Mesh.Raft;
using Mesh.Server.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Server.Hosting;

/// <summary>
/// Breaks the Raft server -> RPC dispatcher -> server runtime -> Raft server cycle: the Raft server gets this handler at
/// construction, and the dispatcher is resolved from the server's provider on the first frame.
/// </summary>
internal sealed class DeferredRpcHandler(IServiceProvider services) : IServerRpcHandler
{
    public Task<byte[]> HandleAsync(byte[] frame, CancellationToken cancellationToken)
        => services.GetRequiredService<RpcDispatcher>().HandleAsync(frame, cancellationToken);
}
