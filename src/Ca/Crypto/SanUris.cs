using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Ca.Crypto;

/// <summary>The URI and e-mail entries of a subjectAltName extension (.NET's own reader lists only DNS names and IPs).</summary>
public static class SanUris
{
    public const string SubjectAltNameOid = "2.5.29.17";

    private static readonly Asn1Tag Email = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static (IReadOnlyList<string> Uris, int Emails) Read(X509Extension extension)
    {
        var uris = new List<string>();
        var emails = 0;
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag.HasSameClassAndValue(UriTag))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else
            {
                emails += tag.HasSameClassAndValue(Email) ? 1 : 0;
                names.ReadEncodedValue();
            }
        }

        return (uris, emails);
    }

    /// <summary>
    /// A subjectAltName holding one URI, written as given: <see cref="SubjectAlternativeNameBuilder.AddUri"/> would
    /// normalize <c>spiffe://td</c> to <c>spiffe://td/</c>, which is not the ID Consul's peers compare against.
    /// </summary>
    public static X509Extension Build(string uri, bool critical)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, UriTag);
        }

        return new X509Extension(SubjectAltNameOid, writer.Encode(), critical);
    }

    /// <summary>The URI SANs of a certificate (empty when it has none).</summary>
    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
        => certificate.Extensions[SubjectAltNameOid] is { } san ? Read(san).Uris : [];
}
