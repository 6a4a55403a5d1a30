using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect.Tests.Support;
using Mesh.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Connect.Tests;

/// <summary>Mesh.Connect against a real Mesh server: an in-process Kestrel server and HttpClient, both Connect-native.</summary>
public sealed class NativeLibraryTests
{
    [Fact]
    public async Task ConnectService_BecomesReady_WithItsLeafAndTheRoots()
    {
        await using var server = await TestServer.StartAsync();
        await using var web = ConnectService.Start("web", server.ConnectOptions());
        await web.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("web", web.Leaf!.Identity!.Service);
        Assert.Equal(await server.TrustDomainAsync(), web.Roots!.TrustDomain);
        Assert.Equal(web.Roots.TrustDomain, web.Leaf.Identity.TrustDomain);
        Assert.True(web.Leaf.Certificate.HasPrivateKey);
    }

    [Fact]
    public async Task KestrelAndHttpClient_Http2OverConnect_RoundTrip_ThenADenyIntentionRefusesNewConnections()
    {
        await using var server = await TestServer.StartAsync();
        await using var db = ConnectService.Start("db", server.ConnectOptions());
        await using var web = ConnectService.Start("web", server.ConnectOptions());
        await Task.WhenAll(db.Ready, web.Ready).WaitAsync(TimeSpan.FromSeconds(60));

        await using var app = await StartKestrelAsync(db);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        await server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"db","ID":"db-native","Address":"127.0.0.1","Port":{{{port}}},"Connect":{"Native":true}}""");
        await server.WaitHealthyConnectAsync("db");

        var answer = await GetAsync(web, "https://db.service.consul/hello");
        Assert.Equal("peer=web protocol=HTTP/2", answer);

        await server.DenyAsync("web", "db");
        await Wire.EventuallyAsync(async () =>
        {
            try
            {
                await GetAsync(web, "https://db.service.consul/hello");
                return false;
            }
            catch (HttpRequestException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(30), "a new connection from web to db to be refused");

        await server.DeleteIntentionAsync("web", "db");
        await Wire.EventuallyAsync(async () =>
        {
            try
            {
                return await GetAsync(web, "https://db.service.consul/hello") == "peer=web protocol=HTTP/2";
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "a new connection from web to db to pass again");
    }

    [Fact]
    public async Task Dial_ServerWithAnotherServicesCertificate_IsRejectedByTheClient_AndAnUntrustedClientByTheServer()
    {
        await using var server = await TestServer.StartAsync();
        await using var db = ConnectService.Start("db", server.ConnectOptions());
        await using var web = ConnectService.Start("web", server.ConnectOptions());
        await Task.WhenAll(db.Ready, web.Ready).WaitAsync(TimeSpan.FromSeconds(60));

        // web serves; db dials it believing it is db: the client must refuse web's certificate.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = AcceptOneAsync(listener, web);
        var expected = new SpiffeId(await server.TrustDomainAsync(), "default", "dc1", "db");
        var error = await Assert.ThrowsAsync<ConnectException>(async () => await web.DialAsync(new ConnectEndpoint("127.0.0.1", port, expected), [], TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Equal(ConnectFailure.HandshakeFailed, error.Failure);
        Assert.Contains("expected", error.Message, StringComparison.Ordinal);
        Assert.Contains("/svc/web", error.Message, StringComparison.Ordinal);
        try
        {
            // .NET checks the server certificate after OpenSSL finished the handshake, so the server may see success.
            await accepted;
        }
        catch (ConnectException)
        {
        }

        // A self-signed client certificate: the server refuses the handshake.
        accepted = AcceptOneAsync(listener, web);
        using var selfSigned = SelfSigned("spiffe://evil.consul/ns/default/dc/dc1/svc/web");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            await using var ssl = new SslStream(client.GetStream());
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "web",
                    ClientCertificates = [selfSigned],
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                });
                await ssl.WriteAsync(new byte[] { 1 });
                _ = await ssl.ReadAsync(new byte[1]);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
            }
        }

        var refused = await Assert.ThrowsAsync<ConnectException>(async () => await accepted);
        Assert.Equal(ConnectFailure.HandshakeFailed, refused.Failure);
        Assert.Contains("does not chain to the current Connect roots", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<ConnectPeer> AcceptOneAsync(TcpListener listener, ConnectService service)
    {
        var socket = await listener.AcceptSocketAsync();
        var peer = await service.AcceptAsync(new NetworkStream(socket, ownsSocket: true), [], CancellationToken.None);
        await peer.Stream.DisposeAsync();
        return peer;
    }

    internal static X509Certificate2 SelfSigned(string spiffe)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=impostor", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(spiffe));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2"), new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static async Task<string> GetAsync(ConnectService client, string url)
    {
        // A fresh client each time: intentions are enforced per new connection, pooled ones stay up (as in Consul).
        using var http = client.CreateHttpClient();
        http.Timeout = TimeSpan.FromSeconds(20);
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<WebApplication> StartKestrelAsync(ConnectService service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseConnect(service);
        }));
        var app = builder.Build();
        app.MapGet("/hello", (HttpContext context) =>
        {
            var peer = context.Features.Get<ConnectPeerFeature>()?.PeerId
                       ?? SpiffeId.FromCertificate(context.Connection.ClientCertificate!);
            return $"peer={peer?.Service} protocol={context.Request.Protocol}";
        });
        await app.StartAsync();
        return app;
    }
}
