using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.ConnectProxy;

namespace Mesh.Connect.Tests;

/// <summary>TLS over the proxy's gathering transport: bytes intact in both directions, records in order, half-close.</summary>
public sealed class GatheringSocketStreamTests
{
    [Fact]
    public async Task TlsOverGatheringStreams_CarriesLargeGatheredWritesAndSmallPings_InOrder_ThenCloseNotify()
    {
        using var certificate = SelfSigned();
        var (clientSocket, serverSocket) = await ConnectedPairAsync();
        var clientTransport = new GatheringSocketStream(clientSocket, ownsSocket: true);
        var serverTransport = new GatheringSocketStream(serverSocket, ownsSocket: true);
        await using var client = new SslStream(clientTransport);
        await using var server = new SslStream(serverTransport);
        await Task.WhenAll(
            client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "test", RemoteCertificateValidationCallback = (_, _, _, _) => true }),
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }));

        // One gathered write of many records (more than the first gather buffer), then small ungathered pings.
        var payload = new byte[300 * 1024 + 17];
        Random.Shared.NextBytes(payload);
        var receive = ReadToEndAsync(server);
        clientTransport.BeginGather();
        await client.WriteAsync(payload);
        await clientTransport.EndGatherAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            clientTransport.BeginGather();
            await client.WriteAsync(new byte[] { (byte)i });
            await clientTransport.EndGatherAsync(CancellationToken.None);
        }

        await client.ShutdownAsync();
        var received = await receive.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([.. payload, 0, 1, 2], received);

        // The other direction still works after the half-close (small reads served from the read-ahead buffer).
        var reply = new byte[40 * 1024];
        Random.Shared.NextBytes(reply);
        serverTransport.BeginGather();
        await server.WriteAsync(reply);
        await serverTransport.EndGatherAsync(CancellationToken.None);
        await server.ShutdownAsync();
        var echoed = new MemoryStream();
        var small = new byte[100];
        int n;
        while ((n = await client.ReadAsync(small)) > 0)
        {
            echoed.Write(small, 0, n);
        }

        Assert.Equal(reply, echoed.ToArray());
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }

    private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await accept);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
