using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Mesh.Raft.Transport;

/// <summary>
/// Opens Raft connections to other servers' ports, announcing the Raft protocol with the preamble byte: straight on
/// the socket in plaintext, inside TLS when <c>tls.internal_rpc.verify_outgoing</c> is on.
/// </summary>
internal sealed partial class RaftConnectionFactory(ServerPortDialer dialer, ILogger logger) : IConnectionFactory, IDisposable
{
    private readonly SocketConnectionContextFactory _contexts = new(new SocketConnectionFactoryOptions(), logger);

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (dialer.Tls.Dial is not null)
        {
            try
            {
                var stream = await dialer.ConnectAsync(endpoint, ServerPortProtocol.Raft, cancellationToken).ConfigureAwait(false);
                return new StreamConnectionContext(stream, local: null, remote: endpoint);
            }
            catch (RpcConnectException error)
            {
                Log.DialFailed(logger, endpoint, error.Message);
                throw;
            }
        }

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

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Raft connection to {Server} failed: {Reason}")]
        public static partial void DialFailed(ILogger logger, EndPoint server, string reason);
    }
}
