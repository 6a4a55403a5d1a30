using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mesh.Ca.Crypto;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

public sealed class RootsEndpointTests(CaServerFixture fixture) : IClassFixture<CaServerFixture>
{
    [Fact]
    public async Task Roots_AfterFirstLeadership_OneActiveEcRootWithConsulIdentity()
    {
        var roots = await fixture.Server.RootsAsync();
        var trustDomain = roots.GetProperty("TrustDomain").GetString()!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.consul$", trustDomain);
        var root = Assert.Single(roots.GetProperty("Roots").EnumerateArray());
        Assert.Equal(roots.GetProperty("ActiveRootID").GetString(), root.GetProperty("ID").GetString());
        Assert.True(root.GetProperty("Active").GetBoolean());
        Assert.Equal("Consul CA Primary Cert", root.GetProperty("Name").GetString());
        Assert.Equal(trustDomain[..^".consul".Length], root.GetProperty("ExternalTrustDomain").GetString());
        Assert.Equal("ec", root.GetProperty("PrivateKeyType").GetString());
        Assert.Equal(256, root.GetProperty("PrivateKeyBits").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("IntermediateCerts").ValueKind);
        Assert.True(root.GetProperty("CreateIndex").GetInt64() > 0);
        Assert.False(root.TryGetProperty("PrivateKey", out _));
        Assert.False(root.TryGetProperty("SigningKey", out _));

        using var certificate = X509Certificate2.CreateFromPem(root.GetProperty("RootCert").GetString()!);
        Assert.Equal(KeyIds.ColonHex(certificate.GetCertHash(HashAlgorithmName.SHA1)), root.GetProperty("ID").GetString());
        var keyId = KeyIds.Of(certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(KeyIds.ColonHex(keyId), root.GetProperty("SigningKeyID").GetString());
        Assert.Equal(keyId, certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray());
        Assert.Equal(keyId, certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray());
        Assert.Matches(new Regex("^CN=pri-[0-9a-f]{8}\\.consul\\.ca\\.[0-9a-f]{8}\\.consul$"), certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.Equal(["spiffe://" + trustDomain], SanUris.Of(certificate));
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        using var key = certificate.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.Equal(TimeSpan.FromHours(87600), certificate.NotAfter - certificate.NotBefore);
        Assert.InRange(certificate.NotBefore.ToUniversalTime(), DateTime.UtcNow.AddHours(-1), DateTime.UtcNow);
        Assert.Equal(certificate.NotBefore.ToUniversalTime(), root.GetProperty("NotBefore").GetDateTime().ToUniversalTime());
        var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
        Assert.Equal((ulong)serial, root.GetProperty("SerialNumber").GetUInt64());
    }

    [Fact]
    public async Task Roots_PemTrue_ReturnsTheRootsAsAPemChain()
    {
        using var response = await fixture.Server.Http.GetAsync("/v1/connect/ca/roots?pem=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pem-certificate-chain", response.Content.Headers.ContentType!.MediaType);
        Assert.True(long.Parse(response.Headers.GetValues("X-Consul-Index").Single()) > 0);
        var pem = await response.Content.ReadAsStringAsync();
        Assert.Equal(string.Concat(await fixture.Server.RootCertsAsync()), pem);
        Assert.Single(Pem.ReadChain(pem));
    }

    [Fact]
    public async Task AgentRoots_ServeTheSameRootsAsConnectRoots()
    {
        var connect = await fixture.Server.RootsAsync();
        var agent = await fixture.Server.GetJsonAsync("/v1/agent/connect/ca/roots");
        Assert.Equal(connect.GetRawText(), agent.GetRawText());
    }

    [Fact]
    public async Task Roots_BlockingOnTheCurrentIndex_WaitsThenAnswersTheSameIndex()
    {
        using var first = await fixture.Server.Http.GetAsync("/v1/connect/ca/roots");
        var index = first.Headers.GetValues("X-Consul-Index").Single();
        var started = DateTime.UtcNow;
        using var blocked = await fixture.Server.Http.GetAsync($"/v1/connect/ca/roots?index={index}&wait=300ms");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "the query did not block");
        Assert.Equal(index, blocked.Headers.GetValues("X-Consul-Index").Single());
    }

    [Fact]
    public async Task Configuration_Get_ReturnsConsulDefaultsWithoutKeysOrClusterId()
    {
        var configuration = await fixture.Server.GetJsonAsync("/v1/connect/ca/configuration");
        Assert.Equal("consul", configuration.GetProperty("Provider").GetString());
        Assert.False(configuration.GetProperty("ForceWithoutCrossSigning").GetBoolean());
        Assert.False(configuration.TryGetProperty("ClusterID", out _));
        Assert.True(configuration.GetProperty("ModifyIndex").GetInt64() > 0);
        var config = configuration.GetProperty("Config");
        Assert.Equal("72h", config.GetProperty("LeafCertTTL").GetString());
        Assert.Equal("8760h", config.GetProperty("IntermediateCertTTL").GetString());
        Assert.Equal("87600h", config.GetProperty("RootCertTTL").GetString());
        Assert.Equal("ec", config.GetProperty("PrivateKeyType").GetString());
        Assert.Equal(256, config.GetProperty("PrivateKeyBits").GetInt32());
        Assert.Equal(0, config.GetProperty("CSRMaxPerSecond").GetDouble());
        Assert.False(config.TryGetProperty("PrivateKey", out _));
        Assert.DoesNotContain("PRIVATE KEY", configuration.GetRawText());
    }

    [Fact]
    public async Task Configuration_Pretty_IsIndented()
    {
        var text = await fixture.Server.Http.GetStringAsync("/v1/connect/ca/configuration?pretty");
        Assert.Contains("\n  \"Provider\": \"consul\"", text);
    }
}
