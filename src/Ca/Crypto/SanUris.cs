using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Ca.Crypto;

/// <summary>
/// The URI, DNS and e-mail entries of a subjectAltName extension (.NET's own reader lists only DNS names and IPs), and
/// the extension written as Consul's leaves carry it.
/// </summary>
public static class SanUris
{
    public const string SubjectAltNameOid = "2.5.29.17";

    private static readonly Asn1Tag Email = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static (IReadOnlyList<string> Uris, int Emails) Read(X509Extension extension)
    {
        var (uris, _, emails) = ReadAll(extension);
        return (uris, emails);
    }

    /// <summary>The URIs and DNS names in their order, and how many e-mail entries there are.</summary>
    public static (IReadOnlyList<string> Uris, IReadOnlyList<string> DnsNames, int Emails) ReadAll(X509Extension extension)
    {
        var uris = new List<string>();
        var dnsNames = new List<string>();
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
            else if (tag.HasSameClassAndValue(DnsTag))
            {
                dnsNames.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, DnsTag));
            }
            else
            {
                emails += tag.HasSameClassAndValue(Email) ? 1 : 0;
                names.ReadEncodedValue();
            }
        }

        return (uris, dnsNames, emails);
    }

    /// <summary>
    /// A subjectAltName holding one URI, written as given: <see cref="SubjectAlternativeNameBuilder.AddUri"/> would
    /// normalize <c>spiffe://td</c> to <c>spiffe://td/</c>, which is not the ID Consul's peers compare against.
    /// </summary>
    public static X509Extension Build(string uri, bool critical) => Build(uri, [], critical);

    /// <summary>
    /// A subjectAltName with DNS names and one URI, in the order Go's x509 writes them (DNS names first), so a gateway
    /// leaf carries its names as Consul's does.
    /// </summary>
    public static X509Extension Build(string uri, IReadOnlyList<string> dnsNames, bool critical)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        WriteNames(writer, uri, dnsNames);
        return new X509Extension(SubjectAltNameOid, writer.Encode(), critical);
    }

    /// <summary>The GeneralNames sequence: each DNS name, then the URI.</summary>
    internal static void WriteNames(AsnWriter writer, string uri, IReadOnlyList<string> dnsNames)
    {
        using (writer.PushSequence())
        {
            for (var i = 0; i < dnsNames.Count; i++)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, dnsNames[i], DnsTag);
            }

            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, UriTag);
        }
    }

    /// <summary>The DNS names of a certificate's subjectAltName, in order (empty when it has none).</summary>
    public static IReadOnlyList<string> DnsNamesOf(X509Certificate2 certificate)
        => certificate.Extensions[SubjectAltNameOid] is { } san ? ReadAll(san).DnsNames : [];

    /// <summary>The URI SANs of a certificate (empty when it has none).</summary>
    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
        => certificate.Extensions[SubjectAltNameOid] is { } san ? Read(san).Uris : [];
}
