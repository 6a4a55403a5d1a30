using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary>A self-signed certificate and its private key in PEM, for inline-certificate entries.</summary>
internal sealed record TestKeyPair(string CertificatePem, string KeyPem)
{
    public static TestKeyPair Rsa(string host, int bits = 2048)
    {
        using var key = RSA.Create(bits);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return new TestKeyPair(certificate.ExportCertificatePem(), key.ExportRSAPrivateKeyPem());
    }

    public static TestKeyPair Ec(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return new TestKeyPair(certificate.ExportCertificatePem(), key.ExportECPrivateKeyPem());
    }
}
