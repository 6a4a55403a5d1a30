using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

public sealed class LeafCertificateTests(CaServerFixture fixture) : IClassFixture<CaServerFixture>
{
    [Fact]
    public async Task Leaf_IssuedCert_HasConsulShapeAndTheServiceSpiffeId()
    {
        var server = fixture.Server;
        var trustDomain = (await server.RootsAsync()).GetProperty("TrustDomain").GetString()!;
        var activeRoot = await server.ActiveRootAsync();
        var leaf = await server.LeafAsync("web");

        var expectedUri = $"spiffe://{trustDomain}/ns/default/dc/dc1/svc/web";
        Assert.Equal("web", leaf.Json.GetProperty("Service").GetString());
        Assert.Equal(expectedUri, leaf.Json.GetProperty("ServiceURI").GetString());
        Assert.Equal(leaf.ModifyIndex, leaf.Index);
        Assert.True(leaf.Json.GetProperty("CreateIndex").GetInt64() > 0);

        using var certificate = X509Certificate2.CreateFromPem(leaf.CertPem, leaf.PrivateKeyPem);
        Assert.Equal(KeyIds.ColonHex(certificate.SerialNumberBytes.Span), leaf.SerialNumber);
        Assert.Equal(string.Empty, certificate.Subject);
        Assert.Equal([expectedUri], SanUris.Of(certificate));
        Assert.True(certificate.Extensions[SanUris.SubjectAltNameOid]!.Critical);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
        Assert.Equal(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"], usages);
        Assert.True(certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement));
        var authorityKeyId = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();
        Assert.Equal(activeRoot.GetProperty("SigningKeyID").GetString(), KeyIds.ColonHex(authorityKeyId));
        Assert.Equal(KeyIds.Of(certificate.PublicKey.ExportSubjectPublicKeyInfo()), certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray());

        using var key = certificate.GetECDsaPrivateKey();
        Assert.Equal(256, key!.KeySize);
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", leaf.PrivateKeyPem);
        var validAfter = leaf.Json.GetProperty("ValidAfter").GetDateTime().ToUniversalTime();
        var validBefore = leaf.Json.GetProperty("ValidBefore").GetDateTime().ToUniversalTime();
        Assert.Equal(certificate.NotBefore.ToUniversalTime(), validAfter);
        Assert.Equal(certificate.NotAfter.ToUniversalTime(), validBefore);
        Assert.Equal(TimeSpan.FromHours(72), validBefore - validAfter);
        Assert.InRange(validAfter, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddSeconds(-50));
    }

    [Fact]
    public async Task Leaf_VerifiesAgainstThePublishedRoots_WithX509ChainAndOpenSsl()
    {
        var leaf = await fixture.Server.LeafAsync("verify-me");
        await ChainCheck.AssertVerifiesAsync(leaf.CertPem, await fixture.Server.RootCertsAsync());
    }

    [Fact]
    public async Task Leaf_AskedAgain_ReturnsTheHeldCertificate()
    {
        var first = await fixture.Server.LeafAsync("cached");
        var second = await fixture.Server.LeafAsync("cached");
        Assert.Equal(first.SerialNumber, second.SerialNumber);
        Assert.Equal(first.Index, second.Index);
    }

    [Fact]
    public async Task Leaf_ManyConcurrentFirstRequests_AllGetOneCertificate()
    {
        var leaves = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.Server.LeafAsync("concurrent")));
        Assert.Single(leaves.Select(l => l.SerialNumber).Distinct());
    }

    [Fact]
    public async Task Leaf_DifferentServices_GetDifferentKeysAndIncreasingSerials()
    {
        var a = await fixture.Server.LeafAsync("serial-a");
        var b = await fixture.Server.LeafAsync("serial-b");
        Assert.NotEqual(a.PrivateKeyPem, b.PrivateKeyPem);
        Assert.True(b.ModifyIndex > a.ModifyIndex);
    }

    [Fact]
    public async Task Leaf_BlockingOnItsIndex_WaitsThenAnswersTheSameLeaf()
    {
        var leaf = await fixture.Server.LeafAsync("blocking");
        var started = DateTime.UtcNow;
        var again = await fixture.Server.LeafAsync("blocking", $"?index={leaf.Index}&wait=300ms");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "the query did not block");
        Assert.Equal(leaf.SerialNumber, again.SerialNumber);
        Assert.Equal(leaf.Index, again.Index);
    }

    [Fact]
    public async Task MutualTls_TwoServicesLeaves_CompleteAHandshakeCheckingEachPeersSpiffeId()
    {
        var server = fixture.Server;
        var roots = await server.RootCertsAsync();
        var web = await server.LeafAsync("mtls-web");
        var api = await server.LeafAsync("mtls-api");
        var webUri = web.Json.GetProperty("ServiceURI").GetString()!;
        var apiUri = api.Json.GetProperty("ServiceURI").GetString()!;
        using var webCertificate = X509Certificate2.CreateFromPem(web.CertPem, web.PrivateKeyPem);
        using var apiCertificate = X509Certificate2.CreateFromPem(api.CertPem, api.PrivateKeyPem);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var seenByServer = string.Empty;
        var seenByClient = string.Empty;
        var serverSide = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
            await using var tls = new SslStream(accepted.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(webCertificate, null, offline: true),
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, chain, _) => PeerIs(certificate, chain, roots, apiUri, out seenByServer),
            }, timeout.Token);
            var buffer = new byte[4];
            await tls.ReadExactlyAsync(buffer, timeout.Token);
            await tls.WriteAsync("pong"u8.ToArray(), timeout.Token);
            return System.Text.Encoding.ASCII.GetString(buffer);
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "mtls-web",
            ClientCertificateContext = SslStreamCertificateContext.Create(apiCertificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => PeerIs(certificate, chain, roots, webUri, out seenByClient),
        }, timeout.Token);
        await clientTls.WriteAsync("ping"u8.ToArray(), timeout.Token);
        var reply = new byte[4];
        await clientTls.ReadExactlyAsync(reply, timeout.Token);

        Assert.Equal("ping", await serverSide);
        Assert.Equal("pong", System.Text.Encoding.ASCII.GetString(reply));
        Assert.True(clientTls.IsMutuallyAuthenticated);
        Assert.Equal(apiUri, seenByServer);
        Assert.Equal(webUri, seenByClient);
    }

    [Fact]
    public async Task MutualTls_PeerWithAnotherServicesCertificate_IsRefused()
    {
        var roots = await fixture.Server.RootCertsAsync();
        var leaf = await fixture.Server.LeafAsync("impostor");
        using var certificate = X509Certificate2.CreateFromPem(leaf.CertPem);
        using var chain = new X509Chain();
        Assert.False(PeerIs(certificate, chain, roots, leaf.Json.GetProperty("ServiceURI").GetString()!.Replace("/svc/impostor", "/svc/db", StringComparison.Ordinal), out var seen));
        Assert.EndsWith("/svc/impostor", seen);
    }

    /// <summary>What a mesh peer checks: the chain ends in one of the CA's roots and the URI SAN is the expected service.</summary>
    private static bool PeerIs(X509Certificate? presented, X509Chain? presentedChain, IReadOnlyList<string> roots, string expectedUri, out string seen)
    {
        seen = string.Empty;
        if (presented is null)
        {
            return false;
        }

        using var certificate = new X509Certificate2(presented);
        var intermediates = presentedChain?.ChainPolicy.ExtraStore.Select(Pem.Certificate) ?? [];
        var (valid, _) = ChainCheck.DotNet(Pem.Certificate(certificate) + string.Concat(intermediates), roots);
        seen = SanUris.Of(certificate).SingleOrDefault() ?? string.Empty;
        return valid && seen == expectedUri;
    }
}
