using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Mesh.Raft.Transport;

/// <summary>
/// Accepts connections on the server port, reads the one-byte protocol preamble and routes each connection: Raft
/// connections go to DotNext through <see cref="RaftConnectionListenerFactory"/>, RPC connections to the RPC handler.
/// </summary>
public sealed partial class ServerPortListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Channel<ConnectionContext> _raftConnections = Channel.CreateUnbounded<ConnectionContext>();
    private readonly Func<Stream, CancellationToken, Task> _rpcHandler;
    private readonly ServerPortTls _tls;
    private readonly SocketConnectionContextFactory _contexts;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private Task? _acceptLoop;

    public ServerPortListener(IPEndPoint endPoint, Func<Stream, CancellationToken, Task> rpcHandler, ServerPortTls tls, ILoggerFactory loggerFactory)
    {
        _rpcHandler = rpcHandler;
        _tls = tls;
        _logger = loggerFactory.CreateLogger<ServerPortListener>();
        _contexts = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), _logger);
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endPoint);
        _socket.Listen(512);
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>What DotNext's custom transport listens with.</summary>
    public IConnectionListenerFactory RaftListenerFactory => new RaftConnectionListenerFactory(_raftConnections.Reader, EndPoint);

    public void Start() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException error)
            {
                Log.AcceptFailed(_logger, error);
                continue;
            }

            _ = RouteAsync(client, cancellationToken);
        }
    }

    private async Task RouteAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            client.NoDelay = true;
            var preamble = new byte[1];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_tls.HandshakeTimeout);

            // Peek: a TLS ClientHello must reach SslStream whole; a plaintext preamble is consumed below.
            var read = await client.ReceiveAsync(preamble, SocketFlags.Peek, timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                client.Dispose();
                return;
            }

            if (preamble[0] == ServerPortTls.HandshakeRecord)
            {
                await RouteTlsAsync(client, timeout, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (_tls.RequireTls)
            {
                Log.PlaintextRefused(_logger, client.RemoteEndPoint);
                client.Dispose();
                return;
            }

            await client.ReceiveAsync(preamble, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            switch (preamble[0])
            {
                case ServerPortProtocol.Raft:
                    await _raftConnections.Writer.WriteAsync(_contexts.Create(client), cancellationToken).ConfigureAwait(false);
                    return;
                case ServerPortProtocol.Rpc:
                    await using (var stream = new NetworkStream(client, ownsSocket: true))
                    {
                        await _rpcHandler(stream, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                default:
                    Log.UnknownProtocol(_logger, client.RemoteEndPoint, preamble[0]);
                    client.Dispose();
                    return;
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            client.Dispose();
        }
    }

    /// <summary>TLS first, then the same preamble inside the encrypted stream.</summary>
    private async Task RouteTlsAsync(Socket client, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        var remote = client.RemoteEndPoint;
        if (_tls.Accept is not { } accept)
        {
            Log.TlsRefused(_logger, remote);
            client.Dispose();
            return;
        }

        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        var handedOff = false;
        try
        {
            try
            {
                await ssl.AuthenticateAsServerAsync(accept(), timeout.Token).ConfigureAwait(false);
            }
            catch (AuthenticationException error)
            {
                Log.HandshakeFailed(_logger, remote, error.Message);
                return;
            }
            catch (IOException error)
            {
                Log.HandshakeFailed(_logger, remote, error.Message);
                return;
            }

            var preamble = new byte[1];
            if (await ssl.ReadAtLeastAsync(preamble, 1, throwOnEndOfStream: false, timeout.Token).ConfigureAwait(false) == 0)
            {
                return;
            }

            switch (preamble[0])
            {
                case ServerPortProtocol.Raft:
                    handedOff = true;
                    await _raftConnections.Writer.WriteAsync(new StreamConnectionContext(ssl, EndPoint, remote), cancellationToken).ConfigureAwait(false);
                    return;
                case ServerPortProtocol.Rpc:
                    await _rpcHandler(ssl, cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    Log.UnknownProtocol(_logger, remote, preamble[0]);
                    return;
            }
        }
        finally
        {
            if (!handedOff)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        _raftConnections.Writer.TryComplete();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        _contexts.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Accepting a server-port connection failed")]
        public static partial void AcceptFailed(ILogger logger, Exception error);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Refused a plaintext server-port connection from {Remote}: tls.internal_rpc.verify_incoming requires TLS (the peer needs tls.internal_rpc.verify_outgoing and a certificate from this cluster's CA)")]
        public static partial void PlaintextRefused(ILogger logger, EndPoint? remote);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "Refused a TLS server-port connection from {Remote}: this server has no TLS certificate for its server port (tls.internal_rpc / tls.defaults cert_file and key_file)")]
        public static partial void TlsRefused(ILogger logger, EndPoint? remote);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "TLS handshake with server-port peer {Remote} failed: {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, EndPoint? remote, string reason);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Dropped a server-port connection from {Remote}: unknown protocol byte {Preamble}")]
        public static partial void UnknownProtocol(ILogger logger, EndPoint? remote, byte preamble);
    }
}
