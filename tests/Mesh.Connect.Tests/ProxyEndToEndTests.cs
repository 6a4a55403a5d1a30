using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect.Tests.Support;
using Mesh.Testing;
using Xunit.Abstractions;

namespace Mesh.Connect.Tests;

/// <summary>Two real <c>mesh connect proxy</c> processes between a client and a plain backend (see <see cref="ProxyPairFixture"/>).</summary>
public sealed class ProxyEndToEndTests(ProxyPairFixture mesh, ITestOutputHelper output) : IClassFixture<ProxyPairFixture>
{
    private const string DbDenials = "mesh_connect_proxy_authorize_denials_total{listener=\"public\"}";
    private const string DbHandshakeFailures = "mesh_connect_proxy_handshake_failures_total{listener=\"public\"}";

    [Fact]
    public async Task BytesRoundTrip_ClientToWebUpstreamToDbPublicListenerToBackend_WithHalfClose()
    {
        try
        {
            var payload = Wire.Payload(300_000);
            var echoed = await Wire.RoundTripAsync(mesh.UpstreamPort, payload);
            Assert.Equal(payload, echoed);
            var upstreamIn = await ProxyPairFixture.MetricAsync(mesh.WebMetricsPort, $"mesh_connect_proxy_bytes_total{{listener=\"upstream:db:127.0.0.1:{mesh.UpstreamPort}\",direction=\"in\"}}");
            Assert.True(upstreamIn >= payload.Length, $"web's upstream counted {upstreamIn} bytes in");
            Assert.True(await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, "mesh_connect_proxy_bytes_total{listener=\"public\",direction=\"out\"}") >= payload.Length);
        }
        finally
        {
            output.WriteLine(mesh.Output);
        }
    }

    [Fact]
    public async Task DenyIntention_RefusesTheNextConnection_AndRemovingItLetsTheNextOneThrough()
    {
        try
        {
            var payload = Wire.Payload(1000, seed: 2);
            Assert.Equal(payload, await Wire.RoundTripAsync(mesh.UpstreamPort, payload));
            var denialsBefore = await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbDenials);

            await mesh.Server.DenyAsync("web", "db");
            await Wire.EventuallyAsync(async () => (await Wire.RoundTripAsync(mesh.UpstreamPort, payload)).Length == 0,
                TimeSpan.FromSeconds(30), "the next connection to be refused");
            Assert.True(await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbDenials) > denialsBefore);
            Assert.Contains("authz denied", mesh.DbProxy.Output, StringComparison.Ordinal);

            await mesh.Server.DeleteIntentionAsync("web", "db");
            await Wire.EventuallyAsync(async () => (await Wire.RoundTripAsync(mesh.UpstreamPort, payload)).SequenceEqual(payload),
                TimeSpan.FromSeconds(30), "the next connection to pass again");
        }
        finally
        {
            output.WriteLine(mesh.Output);
        }
    }

    [Fact]
    public async Task OpenSslClient_WithASelfSignedCertificate_IsRejected()
    {
        using var folder = new TempDirectory("mesh-openssl");
        using var selfSigned = NativeLibraryTests.SelfSigned("spiffe://evil.consul/ns/default/dc/dc1/svc/web");
        var certFile = Path.Combine(folder.Path, "cert.pem");
        var keyFile = Path.Combine(folder.Path, "key.pem");
        await File.WriteAllTextAsync(certFile, selfSigned.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, selfSigned.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var failuresBefore = await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbHandshakeFailures);
        var backendBefore = mesh.Backend.Connections;

        var (stdout, _) = await OpenSslAsync(mesh.DbPublicPort, certFile, keyFile, "hello-through-the-mesh\n");

        Assert.DoesNotContain("hello-through-the-mesh", stdout, StringComparison.Ordinal);
        await Wire.EventuallyAsync(async () => await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbHandshakeFailures) > failuresBefore,
            TimeSpan.FromSeconds(20), "db's proxy to count a handshake failure");
        Assert.Equal(backendBefore, mesh.Backend.Connections);
        Assert.Contains("does not chain to the current Connect roots", mesh.DbProxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSslClient_PlaintextOrWebsCertificateWhereIntentionsDenyWeb_IsRejected()
    {
        // Plaintext on the public listener: a handshake failure, the proxy keeps running.
        var failuresBefore = await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbHandshakeFailures);
        Assert.Empty(await Wire.RoundTripAsync(mesh.DbPublicPort, "GET / HTTP/1.0\r\n\r\n"u8.ToArray()));
        await Wire.EventuallyAsync(async () => await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbHandshakeFailures) > failuresBefore,
            TimeSpan.FromSeconds(20), "db's proxy to count the plaintext client");

        using var folder = new TempDirectory("mesh-openssl");
        var leaf = await mesh.Server.GetJsonAsync("/v1/agent/connect/ca/leaf/web");
        var certFile = Path.Combine(folder.Path, "web.pem");
        var keyFile = Path.Combine(folder.Path, "web-key.pem");
        await File.WriteAllTextAsync(certFile, leaf.GetProperty("CertPEM").GetString());
        await File.WriteAllTextAsync(keyFile, leaf.GetProperty("PrivateKeyPEM").GetString());

        await mesh.Server.DenyAsync("web", "db");
        try
        {
            var payload = Wire.Payload(100, seed: 3);
            await Wire.EventuallyAsync(async () => (await Wire.RoundTripAsync(mesh.UpstreamPort, payload)).Length == 0,
                TimeSpan.FromSeconds(30), "db's proxy to see the deny intention");
            var denialsBefore = await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbDenials);
            var backendBefore = mesh.Backend.Connections;

            var (stdout, _) = await OpenSslAsync(mesh.DbPublicPort, certFile, keyFile, "web-says-hello\n");

            Assert.DoesNotContain("web-says-hello", stdout, StringComparison.Ordinal);
            await Wire.EventuallyAsync(async () => await ProxyPairFixture.MetricAsync(mesh.DbMetricsPort, DbDenials) > denialsBefore,
                TimeSpan.FromSeconds(20), "db's proxy to count the denial");
            Assert.Equal(backendBefore, mesh.Backend.Connections);
        }
        finally
        {
            await mesh.Server.DeleteIntentionAsync("web", "db");
        }
    }

    [Fact]
    public async Task CaRootRotation_UnderARunningTransfer_NewConnectionsUseTheNewLeaf_WithoutRestart()
    {
        try
        {
            // A long-lived connection through both proxies, in use before and after the rotation.
            using var running = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await running.ConnectAsync("127.0.0.1", mesh.UpstreamPort);
            await EchoAsync(running, Wire.Payload(5000, seed: 4));
            var oldRoot = await mesh.Server.ActiveRootAsync();
            Assert.Equal(Normalize(oldRoot.GetProperty("SigningKeyID").GetString()!), await PresentedIssuerKeyIdAsync());

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var config = System.Text.Json.JsonSerializer.Serialize(new { Provider = "consul", Config = new { PrivateKey = key.ExportPkcs8PrivateKeyPem() } });
            await mesh.Server.PutOkAsync("/v1/connect/ca/configuration", config);
            var newRoot = await mesh.Server.ActiveRootAsync();
            Assert.NotEqual(oldRoot.GetProperty("ID").GetString(), newRoot.GetProperty("ID").GetString());

            // db's proxy presents a leaf of the new root to new connections, with no restart.
            await Wire.EventuallyAsync(async () => await PresentedIssuerKeyIdAsync() == Normalize(newRoot.GetProperty("SigningKeyID").GetString()!),
                TimeSpan.FromSeconds(60), "db's public listener to present a leaf signed by the new root");
            Assert.True(mesh.DbProxy.IsRunning && mesh.WebProxy.IsRunning);

            // The established connection carries on; a new one through both hops works with the new certificates.
            await EchoAsync(running, Wire.Payload(5000, seed: 5));
            var payload = Wire.Payload(100_000, seed: 6);
            await Wire.EventuallyAsync(async () => (await Wire.RoundTripAsync(mesh.UpstreamPort, payload)).SequenceEqual(payload),
                TimeSpan.FromSeconds(60), "a new connection after the rotation");
        }
        finally
        {
            output.WriteLine(mesh.Output);
        }
    }

    private static async Task EchoAsync(Socket socket, byte[] payload)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.SendAsync(payload, bounded.Token);
        var received = 0;
        var buffer = new byte[payload.Length];
        while (received < payload.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), bounded.Token);
            Assert.True(n > 0, "the running connection was closed");
            received += n;
        }

        Assert.Equal(payload, buffer);
    }

    /// <summary>The authority key id of the leaf db's public listener presents now (handshake as web, from the API).</summary>
    private async Task<string> PresentedIssuerKeyIdAsync()
    {
        var leaf = await mesh.Server.GetJsonAsync("/v1/agent/connect/ca/leaf/web");
        using var certificate = X509Certificate2.CreateFromPem(leaf.GetProperty("CertPEM").GetString(), leaf.GetProperty("PrivateKeyPEM").GetString());
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", mesh.DbPublicPort);
        await using var ssl = new SslStream(client.GetStream());
        X509Certificate2? presented = null;
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "db",
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                presented = X509CertificateLoader.LoadCertificate(cert!.GetRawCertData());
                return true;
            },
        });
        using (presented)
        {
            var aki = presented!.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();
            return Convert.ToHexString(aki).ToLowerInvariant();
        }
    }

    private static string Normalize(string colonHex) => colonHex.Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static async Task<(string Stdout, string Stderr)> OpenSslAsync(int port, string certFile, string keyFile, string input)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{port}", "-cert", certFile, "-key", keyFile, "-servername", "db" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        await Task.Delay(2000);
        process.StandardInput.Close();
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        return (await stdout, await stderr);
    }
}
