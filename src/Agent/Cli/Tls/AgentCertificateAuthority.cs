using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Cli.Tls;

/// <summary>What <c>mesh tls ca create</c> makes: a self-signed CA (Consul's <c>tlsutil.GenerateCA</c>).</summary>
public sealed record CaOptions(string CommonName, int Days, IReadOnlyList<string> PermittedDnsNames);

/// <summary>What <c>mesh tls cert create</c> makes: a leaf signed by the agent CA (Consul's <c>tlsutil.GenerateCert</c>).</summary>
public sealed record LeafOptions(
    string CommonName,
    int Days,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<System.Net.IPAddress> IpAddresses,
    IReadOnlyList<Oid> ExtendedKeyUsages);

/// <summary>
/// Generates the agent CA and its leaves the way Consul's <c>consul tls</c> does: ECDSA P-256 keys, ECDSA-SHA256
/// signatures, a random 128-bit serial, subject/authority key identifiers, and (optionally) X.509 name constraints on
/// the CA. Pure .NET (<see cref="CertificateRequest"/>); no openssl needed at run time.
/// </summary>
public static class AgentCertificateAuthority
{
    public static Oid ServerAuth { get; } = new("1.3.6.1.5.5.7.3.1");

    public static Oid ClientAuth { get; } = new("1.3.6.1.5.5.7.3.2");

    public static X509Certificate2 CreateCa(CaOptions options, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SubjectName(options.CommonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(subjectKeyId);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId));
        if (options.PermittedDnsNames.Count > 0)
        {
            request.CertificateExtensions.Add(PermittedDnsNames(options.PermittedDnsNames));
        }

        using var self = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now, now.AddDays(options.Days), NewSerial());
        return self.CopyWithPrivateKey(key);
    }

    /// <summary>Signs a new leaf with <paramref name="ca"/> (which must carry its private key).</summary>
    /// <returns>The certificate and its new private key.</returns>
    public static (X509Certificate2 Certificate, ECDsa Key) CreateLeaf(X509Certificate2 ca, LeafOptions options, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SubjectName(options.CommonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        if (options.ExtendedKeyUsages.Count > 0)
        {
            var usages = new OidCollection();
            foreach (var usage in options.ExtendedKeyUsages)
            {
                usages.Add(usage);
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }

        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in options.DnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var ip in options.IpAddresses)
        {
            names.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var notAfter = now.AddDays(options.Days);
        if (notAfter > ca.NotAfter)
        {
            key.Dispose();
            throw new CliException($"the certificate would expire on {notAfter:yyyy-MM-dd}, after its CA ({ca.NotAfter:yyyy-MM-dd}); use a smaller -days");
        }

        using var signer = ca.GetECDsaPrivateKey();
        var generator = signer is not null
            ? X509SignatureGenerator.CreateForECDsa(signer)
            : X509SignatureGenerator.CreateForRSA(ca.GetRSAPrivateKey() ?? throw new CliException("the CA key is neither ECDSA nor RSA"), RSASignaturePadding.Pkcs1);
        using var certificate = request.Create(ca.SubjectName, generator, now, notAfter, NewSerial());
        return (X509CertificateLoader.LoadCertificate(certificate.RawData), key);
    }

    private static X500DistinguishedName SubjectName(string commonName)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(commonName);
        return name.Build();
    }

    /// <summary>A positive random 128-bit serial, as Go's <c>tlsutil.GenerateSerialNumber</c>.</summary>
    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01; // no leading zero byte, so the DER INTEGER is exactly 16 bytes
        return serial;
    }

    /// <summary>NameConstraints (RFC 5280 4.2.1.10) with DNS-name permitted subtrees, critical as Go marks it.</summary>
    private static X509Extension PermittedDnsNames(IReadOnlyList<string> names)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                foreach (var name in names)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
                    }
                }
            }
        }

        return new X509Extension("2.5.29.30", writer.Encode(), critical: true);
    }
}
