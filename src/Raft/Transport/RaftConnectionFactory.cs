using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Mesh.Raft.Transport;

/// <summary>Opens Raft connections to other servers' ports, announcing the Raft protocol with the preamble byte.</summary>
internal sealed class RaftConnectionFactory(ILogger logger) : IConnectionFactory, IDisposable
{
    private readonly SocketConnectionContextFactory _contexts = new(new SocketConnectionFactoryOptions(), logger);

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(new[] { ServerPortProtocol.Raft }, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return _contexts.Create(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _contexts.Dispose();
}
