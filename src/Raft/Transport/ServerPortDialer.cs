using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Mesh.Raft.Transport;

/// <summary>
/// Opens a connection to another server's port for one protocol: TCP, then TLS when <c>verify_outgoing</c> is on,
/// then the protocol preamble (inside TLS). Failures before anything was sent are <see cref="RpcConnectException"/>.
/// </summary>
public sealed class ServerPortDialer(ServerPortTls tls)
{
    public ServerPortTls Tls => tls;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Connects and sends the preamble; the stream owns the connection.</summary>
    public async Task<Stream> ConnectAsync(EndPoint endPoint, byte preamble, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls.Dial is { } dial)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                deadline.CancelAfter(tls.HandshakeTimeout);
                await ssl.AuthenticateAsClientAsync(dial(), deadline.Token).ConfigureAwait(false);
            }

            await stream.WriteAsync(new[] { preamble }, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch (AuthenticationException error)
        {
            await DisposeAsync(stream, socket).ConfigureAwait(false);
            throw new RpcConnectException($"TLS handshake with server {endPoint} failed (tls.internal_rpc): {error.Message}", error);
        }
        catch (IOException error) when (tls.Dial is not null && !cancellationToken.IsCancellationRequested)
        {
            // A plaintext server closes the connection when it sees a TLS ClientHello.
            await DisposeAsync(stream, socket).ConfigureAwait(false);
            throw new RpcConnectException($"TLS handshake with server {endPoint} failed: the server closed the connection (does it have tls.internal_rpc configured?): {error.Message}", error);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync(stream, socket).ConfigureAwait(false);
            throw new RpcConnectException($"Cannot connect to server {endPoint}: {error.Message}", error);
        }
        catch
        {
            await DisposeAsync(stream, socket).ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask DisposeAsync(Stream? stream, Socket socket)
    {
        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        socket.Dispose();
    }
}
