using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Config;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Crypto;

/// <summary>
/// Root certificates of the built-in provider (<c>provider_consul.go: generateCA</c>, <c>newCARoot</c>): a self-signed
/// CA with Consul's common name, the CA's SPIFFE ID as URI SAN and SHA-256 key ids, or an operator-supplied one.
/// </summary>
public static class RootCertificates
{
    public const string RootName = "Consul CA Primary Cert";

    /// <summary>A new root for the configuration: imported when it carries a certificate, else self-signed (with its key if given).</summary>
    public static CaRoot Create(CaProviderConfig config, string clusterId, string trustDomain, DateTimeOffset now)
    {
        using var key = config.PrivateKeyPem is { } pem
            ? CaKeys.ImportPem(pem, "PrivateKey")
            : CaKeys.Generate(config.PrivateKeyType, config.PrivateKeyBits);
        if (config.RootCertPem is { } certificatePem)
        {
            using var imported = Pem.ReadCertificate(certificatePem, "RootCert");
            return Describe(imported, key, clusterId);
        }

        using var certificate = SelfSigned(key, trustDomain, config.RootCertTtl, now);
        return Describe(certificate, key, clusterId);
    }

    /// <summary><c>CACN</c>: <c>pri-&lt;8 hex&gt;.consul.ca.&lt;first 8 of the trust domain&gt;.consul</c>.</summary>
    public static string CommonName(string trustDomain)
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        return $"pri-{unique}.consul.ca.{trustDomain[..Math.Min(8, trustDomain.Length)]}.consul";
    }

    /// <summary>The key id a certificate's children name as their authority: its SubjectKeyIdentifier, or Consul's key id.</summary>
    public static byte[] SigningKeyId(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is { } ski
            ? ski.SubjectKeyIdentifierBytes.ToArray()
            : KeyIds.Of(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key, string trustDomain, TimeSpan ttl, DateTimeOffset now)
    {
        var subject = new X500DistinguishedName("CN=" + CommonName(trustDomain));
        var request = CaKeys.Request(subject, key);
        var keyId = KeyIds.Of(CaKeys.SubjectPublicKeyInfo(key));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(keyId, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId));
        request.CertificateExtensions.Add(SanUris.Build(SpiffeIds.Signing(trustDomain), critical: false));
        var notBefore = TruncateToSeconds(now);
        return request.Create(subject, CaKeys.SignatureGenerator(key), notBefore, notBefore + ttl, KeyIds.SerialBytes(KeyIds.RandomSerial()));
    }

    private static CaRoot Describe(X509Certificate2 certificate, AsymmetricAlgorithm key, string clusterId)
    {
        var (type, bits) = CaKeys.Describe(key);
        var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
        return new CaRoot
        {
            Id = KeyIds.ColonHex(certificate.GetCertHash()), // the SHA-1 fingerprint: an identifier, not a security property
            Name = RootName,
            SerialNumber = ((ulong)(serial & ulong.MaxValue)).ToString(CultureInfo.InvariantCulture), // Consul's Uint64()
            SigningKeyId = KeyIds.ColonHex(SigningKeyId(certificate)),
            ExternalTrustDomain = clusterId,
            NotBeforeUnixMilliseconds = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeMilliseconds(),
            NotAfterUnixMilliseconds = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds(),
            RootCert = Pem.Certificate(certificate),
            PrivateKey = CaKeys.ExportPem(key),
            Active = true,
            PrivateKeyType = type,
            PrivateKeyBits = bits,
        };
    }

    internal static DateTimeOffset TruncateToSeconds(DateTimeOffset time)
        => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
