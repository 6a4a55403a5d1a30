using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.ConnectBench;

/// <summary>
/// The backend: echoes every byte, half-closes after the client does. With a certificate it speaks TLS (the
/// ceiling row: what one TLS link costs on this machine, with no proxy in the way).
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2? _certificate;
    private readonly Task _loop;

    public EchoServer(X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        _listener.Start(1024);
        _loop = Task.Run(LoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A self-signed ECDSA P-256 certificate, the key type of Connect leaf certificates.</summary>
    public static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=echo", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                await using var stream = (Stream)new NetworkStream(socket, ownsSocket: true);
                var buffer = new byte[64 * 1024];
                try
                {
                    if (_certificate is null)
                    {
                        int n;
                        while ((n = await socket.ReceiveAsync(buffer, _stop.Token)) > 0)
                        {
                            await socket.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                        }

                        socket.Shutdown(SocketShutdown.Send);
                    }
                    else
                    {
                        await using var tls = new SslStream(stream);
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                        int n;
                        while ((n = await tls.ReadAsync(buffer, _stop.Token)) > 0)
                        {
                            await tls.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                        }

                        await tls.ShutdownAsync();
                    }
                }
                catch (Exception)
                {
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
    }
}
