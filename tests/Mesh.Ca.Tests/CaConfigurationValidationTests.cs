using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

public sealed class CaConfigurationValidationTests(CaServerFixture fixture) : IClassFixture<CaServerFixture>
{
    [Theory]
    [InlineData("""{"Provider":"vault","Config":{}}""", "unknown CA provider \"vault\"")]
    [InlineData("""{"Config":{"LeafCertTTL":"72h"}}""", "Provider is required")]
    [InlineData("""{"Provider":"consul","Config":"72h"}""", "Config must be a JSON object")]
    [InlineData("""{"Provider":"consul","Config":{"LeafCertTTL":"30m"}}""", "LeafCertTTL must be greater or equal than 1h0m0s")]
    [InlineData("""{"Provider":"consul","Config":{"LeafCertTTL":"9000h"}}""", "LeafCertTTL must be less than 8760h0m0s")]
    [InlineData("""{"Provider":"consul","Config":{"LeafCertTTL":"soon"}}""", "LeafCertTTL: \"soon\" is not a duration")]
    [InlineData("""{"Provider":"consul","Config":{"PrivateKeyType":"dsa"}}""", "PrivateKeyType must be \"ec\" or \"rsa\", not \"dsa\"")]
    [InlineData("""{"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":300}}""", "EC PrivateKeyBits must be 256, 384 or 521, not 300")]
    [InlineData("""{"Provider":"consul","Config":{"PrivateKeyType":"rsa","PrivateKeyBits":1024}}""", "RSA PrivateKeyBits must be 2048, 3072 or 4096, not 1024")]
    [InlineData("""{"Provider":"consul","Config":{"PrivateKeyBits":"many"}}""", "PrivateKeyBits must be an integer")]
    [InlineData("""{"Provider":"consul","Config":{"IntermediateCertTTL":"100h"}}""", "IntermediateCertTTL must be greater or equal than 3 * LeafCertTTL (>=216h)")]
    [InlineData("""{"Provider":"consul","Config":{"RootCertTTL":"1000h"}}""", "RootCertTTL (1000h) must be greater or equal than IntermediateCertTTL (8760h)")]
    [InlineData("""{"Provider":"consul","Config":{"CSRMaxPerSecond":-1}}""", "CSRMaxPerSecond must be a number, 0 or more")]
    [InlineData("""{"Provider":"consul","Config":{"RootCert":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}}""", "RootCert was given without its PrivateKey")]
    [InlineData("""{"Provider":"consul","Config":{"PrivateKey":"not a key"}}""", "PrivateKey is not a PEM-encoded private key")]
    public async Task Put_BadConfiguration_Is400WithTheReasonAndChangesNothing(string body, string reason)
    {
        await AssertRejectedAsync(body, reason);
    }

    [Fact]
    public async Task Put_ImportedKeyForAnotherCertificate_IsRejected()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = CaCertificate(rootKey, ca: true);
        await AssertRejectedAsync(ImportBody(otherKey.ExportPkcs8PrivateKeyPem(), root.ExportCertificatePem()), "PrivateKey does not match RootCert");
    }

    [Fact]
    public async Task Put_ImportedCertificateThatIsNotACa_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var notCa = CaCertificate(key, ca: false);
        await AssertRejectedAsync(ImportBody(key.ExportECPrivateKeyPem(), notCa.ExportCertificatePem()), "RootCert is not a CA certificate");
    }

    [Fact]
    public async Task Put_ImportedCertificateThatIsNotPem_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await AssertRejectedAsync(ImportBody(key.ExportECPrivateKeyPem(), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "RootCert is not a PEM-encoded certificate");
    }

    internal static string ImportBody(string keyPem, string certificatePem)
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Provider"] = "consul",
            ["Config"] = new Dictionary<string, string> { ["PrivateKey"] = keyPem, ["RootCert"] = certificatePem },
        });

    private static X509Certificate2 CaCertificate(ECDsa key, bool ca)
    {
        var request = new CertificateRequest("CN=Operator Root", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(5));
    }

    private async Task AssertRejectedAsync(string body, string reason)
    {
        var server = fixture.Server;
        var before = server.Digest();
        using var response = await server.PutJsonAsync("/v1/connect/ca/configuration", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Invalid CA configuration: ", text);
        Assert.Contains(reason, text);
        Assert.Equal(before, server.Digest());
    }
}
