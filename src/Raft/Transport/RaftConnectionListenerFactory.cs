using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Raft.Transport;

/// <summary>Hands DotNext the Raft connections that <see cref="ServerPortListener"/> routed to it.</summary>
internal sealed class RaftConnectionListenerFactory(ChannelReader<ConnectionContext> connections, EndPoint endPoint) : IConnectionListenerFactory
{
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IConnectionListener>(new Listener(connections, endPoint));

    private sealed class Listener(ChannelReader<ConnectionContext> connections, EndPoint endPoint) : IConnectionListener
    {
        public EndPoint EndPoint => endPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await connections.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
