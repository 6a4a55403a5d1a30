using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Ca.Crypto;

/// <summary>
/// The parts of a leaf certificate that are the same for every leaf one root signs, encoded once: the signature
/// algorithm, the issuer, and the constant extensions (basic constraints, key usage, extended key usage, authority key
/// id). A leaf's to-be-signed bytes are then written with only its variable parts: serial, validity, public key,
/// subject key id and URI SAN. The result is byte for byte what <see cref="LeafCertificates.Sign(CertificateRequest, string, IReadOnlyList{string}, RootSigningKey, long, DateTimeOffset, DateTimeOffset)"/> writes for the same
/// inputs (the tests compare them).
/// </summary>
public sealed class LeafTemplate
{
    private const string SubjectKeyIdentifierOid = "2.5.29.14";

    private static readonly Asn1Tag Version = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Extensions = new(TagClass.ContextSpecific, 3, isConstructed: true);

    private readonly byte[] _issuer;
    private readonly byte[][] _leadingExtensions;
    private readonly byte[] _authorityKeyId;
    private readonly byte[] _subjectKeyIdOid;
    private readonly byte[] _subjectAltNameOid;

    public LeafTemplate(X500DistinguishedName issuer, ReadOnlySpan<byte> issuerKeyId, byte[] signatureAlgorithm)
    {
        _issuer = issuer.RawData;
        SignatureAlgorithm = signatureAlgorithm;
        _leadingExtensions = [.. LeafCertificates.LeadingExtensions().Select(Encode)];
        _authorityKeyId = Encode(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerKeyId));
        _subjectKeyIdOid = EncodeOid(SubjectKeyIdentifierOid);
        _subjectAltNameOid = EncodeOid(SanUris.SubjectAltNameOid);
    }

    /// <summary>The DER AlgorithmIdentifier of the root's SHA-256 signatures.</summary>
    public byte[] SignatureAlgorithm { get; }

    /// <summary>
    /// The leaf's TBSCertificate, in the field and extension order of <see cref="LeafCertificates.Sign(CertificateRequest, string, IReadOnlyList{string}, RootSigningKey, long, DateTimeOffset, DateTimeOffset)"/>;
    /// <paramref name="dnsNames"/> (a gateway's) go into the subjectAltName before the URI.
    /// </summary>
    public byte[] ToBeSigned(long serial, DateTimeOffset notBefore, DateTimeOffset notAfter, ReadOnlySpan<byte> subjectPublicKeyInfo, string uri, IReadOnlyList<string>? dnsNames = null)
    {
        dnsNames ??= [];
        Span<byte> keyId = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfo, keyId);
        var tbs = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 512 + uri.Length + (dnsNames.Count * 64));
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(Version))
            {
                tbs.WriteInteger(2); // v3
            }

            tbs.WriteInteger(serial);
            tbs.WriteEncodedValue(SignatureAlgorithm);
            tbs.WriteEncodedValue(_issuer);
            using (tbs.PushSequence())
            {
                LeafCertificates.WriteTime(tbs, notBefore);
                LeafCertificates.WriteTime(tbs, notAfter);
            }

            tbs.PushSequence().Dispose(); // empty subject: the identity is the URI SAN
            tbs.WriteEncodedValue(subjectPublicKeyInfo);
            using (tbs.PushSequence(Extensions))
            using (tbs.PushSequence())
            {
                foreach (var extension in _leadingExtensions)
                {
                    tbs.WriteEncodedValue(extension);
                }

                using (tbs.PushSequence())
                {
                    tbs.WriteEncodedValue(_subjectKeyIdOid);
                    using (tbs.PushOctetString())
                    {
                        tbs.WriteOctetString(keyId);
                    }
                }

                tbs.WriteEncodedValue(_authorityKeyId);
                using (tbs.PushSequence())
                {
                    tbs.WriteEncodedValue(_subjectAltNameOid);
                    tbs.WriteBoolean(true); // critical: the subject is empty
                    using (tbs.PushOctetString())
                    {
                        SanUris.WriteNames(tbs, uri, dnsNames);
                    }
                }
            }
        }

        return tbs.Encode();
    }

    /// <summary>The Certificate: the TBSCertificate, the algorithm and the signature over it.</summary>
    public byte[] Certificate(ReadOnlySpan<byte> toBeSigned, ReadOnlySpan<byte> signature)
    {
        var certificate = new AsnWriter(AsnEncodingRules.DER, initialCapacity: toBeSigned.Length + signature.Length + 32);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(toBeSigned);
            certificate.WriteEncodedValue(SignatureAlgorithm);
            certificate.WriteBitString(signature);
        }

        return certificate.Encode();
    }

    private static byte[] Encode(X509Extension extension)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        LeafCertificates.WriteExtension(writer, extension);
        return writer.Encode();
    }

    private static byte[] EncodeOid(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }
}
