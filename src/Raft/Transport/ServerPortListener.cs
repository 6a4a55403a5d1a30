using System.Net;
using System.Net.Sockets;
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
    private readonly Func<NetworkStream, CancellationToken, Task> _rpcHandler;
    private readonly SocketConnectionContextFactory _contexts;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private Task? _acceptLoop;

    public ServerPortListener(IPEndPoint endPoint, Func<NetworkStream, CancellationToken, Task> rpcHandler, ILoggerFactory loggerFactory)
    {
        _rpcHandler = rpcHandler;
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
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var read = await client.ReceiveAsync(preamble, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            switch (read == 1 ? preamble[0] : (byte)0)
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

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Dropped a server-port connection from {Remote}: unknown protocol byte {Preamble}")]
        public static partial void UnknownProtocol(ILogger logger, EndPoint? remote, byte preamble);
    }
}
