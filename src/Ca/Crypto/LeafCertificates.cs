using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Signing;

namespace Mesh.Ca.Crypto;

/// <summary>
/// Leaf certificates: the requester's CSR (<c>agent/connect/csr.go</c>: no subject, one critical SAN with one URI and,
/// for a gateway, DNS names) and the signed leaf (<c>provider_consul.go: Sign</c>: the CSR's URI and DNS names,
/// ClientAuth+ServerAuth, SHA-256 key ids). The SAN is critical because the subject is empty (RFC 5280 4.2.1.6).
/// </summary>
public static class LeafCertificates
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>More DNS SANs than any gateway's hosts plus wildcards need; bounds what one CSR can make the leader sign.</summary>
    private const int MaxDnsNames = 1000;

    public static byte[] CreateSigningRequest(ECDsa key, string spiffeUri) => CreateSigningRequest(key, spiffeUri, []);

    /// <summary>A CSR for <paramref name="spiffeUri"/> that also asks for DNS names (Consul's <c>CreateCSR</c> with DNSSAN, a gateway's).</summary>
    public static byte[] CreateSigningRequest(ECDsa key, string spiffeUri, IReadOnlyList<string> dnsNames)
    {
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(SanUris.Build(spiffeUri, dnsNames, critical: true));
        return request.CreateSigningRequest();
    }

    /// <summary>
    /// Reads a PKCS#10 request, checking its self-signature, and returns it with its single URI SAN and its DNS SANs
    /// (which the leaf carries as asked, as Consul's provider copies <c>csr.DNSNames</c>).
    /// </summary>
    public static SigningRequest ReadSigningRequest(byte[] der)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out _, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException error)
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"the CSR could not be read: {error.Message}", error);
        }

        var uris = new List<string>();
        var dnsNames = new List<string>();
        var emails = 0;
        foreach (var extension in request.CertificateExtensions.Where(e => e.Oid?.Value == SanUris.SubjectAltNameOid))
        {
            var (found, foundDns, foundEmails) = SanUris.ReadAll(extension);
            uris.AddRange(found);
            dnsNames.AddRange(foundDns);
            emails += foundEmails;
        }

        if (uris.Count != 1 || emails != 0)
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"the CSR must have exactly one URI SAN and no e-mail SANs (it has {uris.Count} URIs, {emails} e-mails)");
        }

        if (dnsNames.Count > MaxDnsNames || dnsNames.Any(name => name.Length is 0 or > 253))
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"the CSR's DNS SANs must be at most {MaxDnsNames} names of 1 to 253 characters");
        }

        return new SigningRequest(request, uris[0], dnsNames);
    }

    public static byte[] Sign(CertificateRequest csr, string uri, RootSigningKey root, long serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
        => Sign(csr, uri, [], root, serial, notBefore, notAfter);

    /// <summary>
    /// Signs the leaf and returns its DER. The certificate is encoded here rather than by
    /// <see cref="CertificateRequest.Create(X500DistinguishedName, X509SignatureGenerator, DateTimeOffset, DateTimeOffset, ReadOnlySpan{byte})"/>,
    /// which also parses its result into an <see cref="X509Certificate2"/>: with OpenSSL 3 that parse costs several
    /// times the signature itself, and the leader only needs the bytes.
    /// </summary>
    public static byte[] Sign(
        CertificateRequest csr, string uri, IReadOnlyList<string> dnsNames, RootSigningKey root, long serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        X509Extension[] extensions =
        [
            .. LeadingExtensions(),
            new X509SubjectKeyIdentifierExtension(KeyIds.Of(csr.PublicKey.ExportSubjectPublicKeyInfo()), critical: false),
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(root.KeyId),
            SanUris.Build(uri, dnsNames, critical: true),
        ];
        var subjectPublicKeyInfo = csr.PublicKey.ExportSubjectPublicKeyInfo();
        var issuer = root.Certificate.SubjectName.RawData;
        return root.Sign(generator =>
        {
            var algorithm = generator.GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA256);
            var tbs = new AsnWriter(AsnEncodingRules.DER);
            using (tbs.PushSequence())
            {
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    tbs.WriteInteger(2); // v3
                }

                tbs.WriteInteger(serial);
                tbs.WriteEncodedValue(algorithm);
                tbs.WriteEncodedValue(issuer);
                using (tbs.PushSequence())
                {
                    WriteTime(tbs, notBefore);
                    WriteTime(tbs, notAfter);
                }

                tbs.PushSequence().Dispose(); // empty subject: the identity is the URI SAN
                tbs.WriteEncodedValue(subjectPublicKeyInfo);
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                using (tbs.PushSequence())
                {
                    foreach (var extension in extensions)
                    {
                        WriteExtension(tbs, extension);
                    }
                }
            }

            var toBeSigned = tbs.Encode();
            var certificate = new AsnWriter(AsnEncodingRules.DER);
            using (certificate.PushSequence())
            {
                certificate.WriteEncodedValue(toBeSigned);
                certificate.WriteEncodedValue(algorithm);
                certificate.WriteBitString(generator.SignData(toBeSigned, HashAlgorithmName.SHA256));
            }

            return certificate.Encode();
        });
    }

    /// <summary>
    /// Signs a public key this server generated itself for one of its services (the leaf cache's path on the leader):
    /// there is no CSR to parse and verify, since the key never left this process and the URI was built here. The
    /// certificate is the one <see cref="Sign(CertificateRequest, string, IReadOnlyList{string}, RootSigningKey, long, DateTimeOffset, DateTimeOffset)"/> makes for the same key and URI, assembled from the root's
    /// <see cref="LeafTemplate"/>.
    /// </summary>
    public static byte[] SignPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo, string uri, RootSigningKey root, long serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
        => SignPublicKey(subjectPublicKeyInfo, uri, [], root, serial, notBefore, notAfter);

    /// <summary>As the overload without names, the leaf also carrying <paramref name="dnsNames"/> before its URI.</summary>
    public static byte[] SignPublicKey(
        ReadOnlySpan<byte> subjectPublicKeyInfo, string uri, IReadOnlyList<string> dnsNames, RootSigningKey root, long serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var toBeSigned = root.Template.ToBeSigned(serial, notBefore, notAfter, subjectPublicKeyInfo, uri, dnsNames);
        return root.Template.Certificate(toBeSigned, root.SignData(toBeSigned));
    }

    /// <summary>The leaf extensions that do not depend on the leaf or its issuer, in certificate order.</summary>
    internal static X509Extension[] LeadingExtensions() =>
    [
        new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true),
        new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.KeyAgreement,
            critical: true),
        new X509EnhancedKeyUsageExtension([new Oid(ClientAuth), new Oid(ServerAuth)], critical: false),
    ];

    /// <summary>One Extension: its OID, the critical flag when set (DER omits the default false), the value.</summary>
    internal static void WriteExtension(AsnWriter writer, X509Extension extension)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(extension.Oid!.Value!);
            if (extension.Critical)
            {
                writer.WriteBoolean(true);
            }

            writer.WriteOctetString(extension.RawData);
        }
    }

    /// <summary>RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after.</summary>
    internal static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        if (time.UtcDateTime.Year < 2050)
        {
            writer.WriteUtcTime(time);
        }
        else
        {
            writer.WriteGeneralizedTime(time, omitFractionalSeconds: true);
        }
    }
}
