using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Config;
using Mesh.Ca.Crypto;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

/// <summary>The leader's own-key path (<see cref="LeafCertificates.SignPublicKey"/>) against the general CSR path.</summary>
public sealed class LeafTemplateTests
{
    private const string TrustDomain = "11111111-2222-3333-4444-555555555555.consul";
    private const string Uri = $"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/web%20api";

    [Theory]
    [InlineData("ec", 256)]
    [InlineData("ec", 384)]
    [InlineData("rsa", 2048)]
    public void SignPublicKey_WritesTheSameToBeSignedBytesAsTheCsrPath(string keyType, int keyBits)
    {
        using var root = NewRoot(keyType, keyBits);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (csr, uri) = LeafCertificates.ReadSigningRequest(LeafCertificates.CreateSigningRequest(key, Uri));
        var notBefore = new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero);
        var notAfter = notBefore.AddHours(72);

        var general = LeafCertificates.Sign(csr, uri, root, 4242, notBefore, notAfter);
        var own = LeafCertificates.SignPublicKey(key.ExportSubjectPublicKeyInfo(), Uri, root, 4242, notBefore, notAfter);

        // Everything but the signature value (ECDSA signatures are randomized) is byte for byte the same.
        var (generalTbs, generalAlgorithm, _) = Parts(general);
        var (ownTbs, ownAlgorithm, ownSignature) = Parts(own);
        Assert.Equal(Convert.ToHexString(generalTbs), Convert.ToHexString(ownTbs));
        Assert.Equal(generalAlgorithm, ownAlgorithm);
        Assert.NotEmpty(ownSignature);
    }

    [Fact]
    public async Task SignPublicKey_WithDnsNames_WritesTheSameBytesAsTheCsrPathAndVerifies()
    {
        string[] names = ["*.ingress.consul.", "api.example.com"];
        using var root = NewRoot("ec", 256);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = LeafCertificates.ReadSigningRequest(LeafCertificates.CreateSigningRequest(key, Uri, names));
        var now = DateTimeOffset.UtcNow;
        var notBefore = RootCertificates.TruncateToSeconds(now.AddMinutes(-1));

        var general = LeafCertificates.Sign(request.Request, request.Uri, request.DnsNames, root, 5, notBefore, now.AddHours(72));
        var own = LeafCertificates.SignPublicKey(key.ExportSubjectPublicKeyInfo(), Uri, names, root, 5, notBefore, now.AddHours(72));

        Assert.Equal(names, request.DnsNames);
        Assert.Equal(Convert.ToHexString(Parts(general).Tbs), Convert.ToHexString(Parts(own).Tbs));
        using var certificate = X509CertificateLoader.LoadCertificate(own);
        Assert.Equal([Uri], SanUris.Of(certificate));
        Assert.Equal(names, SanUris.DnsNamesOf(certificate));
        await ChainCheck.AssertVerifiesAsync(Pem.Certificate(own), [root.Root.RootCert]);
    }

    [Fact]
    public void SignPublicKey_LeafAfter2049_UsesGeneralizedTimeLikeTheCsrPath()
    {
        using var root = NewRoot("ec", 256);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (csr, uri) = LeafCertificates.ReadSigningRequest(LeafCertificates.CreateSigningRequest(key, Uri));
        var notBefore = new DateTimeOffset(2049, 12, 31, 0, 0, 0, TimeSpan.Zero);
        var general = Parts(LeafCertificates.Sign(csr, uri, root, 7, notBefore, notBefore.AddDays(3))).Tbs;
        var own = Parts(LeafCertificates.SignPublicKey(key.ExportSubjectPublicKeyInfo(), Uri, root, 7, notBefore, notBefore.AddDays(3))).Tbs;
        Assert.Equal(Convert.ToHexString(general), Convert.ToHexString(own));
    }

    [Fact]
    public async Task SignPublicKey_Leaf_VerifiesAgainstItsRootAndCarriesTheUri()
    {
        using var root = NewRoot("ec", 256);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var der = LeafCertificates.SignPublicKey(key.ExportSubjectPublicKeyInfo(), Uri, root, 99, RootCertificates.TruncateToSeconds(now.AddMinutes(-1)), now.AddHours(72));
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        Assert.Equal([Uri], SanUris.Of(certificate));
        Assert.Equal(99, (long)new System.Numerics.BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true));
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        await ChainCheck.AssertVerifiesAsync(Pem.Certificate(der), [root.Root.RootCert]);
    }

    private static RootSigningKey NewRoot(string keyType, int keyBits)
    {
        var config = CaProviderConfig.Default with { PrivateKeyType = keyType, PrivateKeyBits = keyBits };
        return new RootSigningKey(RootCertificates.Create(config, "11111111-2222-3333-4444-555555555555", TrustDomain, DateTimeOffset.UtcNow));
    }

    /// <summary>A Certificate's three fields: TBSCertificate, signatureAlgorithm, signatureValue.</summary>
    private static (byte[] Tbs, byte[] Algorithm, byte[] Signature) Parts(byte[] certificate)
    {
        var sequence = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        var tbs = sequence.ReadEncodedValue().ToArray();
        var algorithm = sequence.ReadEncodedValue().ToArray();
        var signature = sequence.ReadBitString(out _);
        return (tbs, algorithm, signature);
    }
}
