using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Connect;

/// <summary>
/// A Connect service identity, <c>spiffe://&lt;trust-domain&gt;/ns/&lt;ns&gt;/dc/&lt;dc&gt;/svc/&lt;service&gt;</c> (the partition
/// form <c>/ap/&lt;ap&gt;/ns/...</c> is read too).
/// </summary>
public sealed record SpiffeId(string TrustDomain, string Namespace, string Datacenter, string Service, string Partition = "default")
{
    public override string ToString()
        => Partition == "default"
            ? $"spiffe://{TrustDomain}/ns/{Namespace}/dc/{Datacenter}/svc/{Service}"
            : $"spiffe://{TrustDomain}/ap/{Partition}/ns/{Namespace}/dc/{Datacenter}/svc/{Service}";

    /// <summary>
    /// The same service as <paramref name="other"/>, compared as Consul's client does: case-insensitive, trust domain
    /// ignored (so a trust-domain migration keeps working; the chain check already pins the CA).
    /// </summary>
    public bool SameServiceAs(SpiffeId other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Service, other.Service, StringComparison.OrdinalIgnoreCase)
               && string.Equals(Namespace, other.Namespace, StringComparison.OrdinalIgnoreCase)
               && string.Equals(Datacenter, other.Datacenter, StringComparison.OrdinalIgnoreCase)
               && string.Equals(Partition, other.Partition, StringComparison.OrdinalIgnoreCase);
    }

    public static SpiffeId? TryParse(string? uri)
    {
        if (uri is null || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "spiffe" || parsed.Host.Length == 0)
        {
            return null;
        }

        var parts = parsed.AbsolutePath.Trim('/').Split('/');
        var partition = "default";
        var i = 0;
        if (parts.Length == 8 && parts[0] == "ap")
        {
            partition = parts[1];
            i = 2;
        }

        return parts.Length - i == 6 && parts[i] == "ns" && parts[i + 2] == "dc" && parts[i + 4] == "svc"
                                     && parts[i + 1].Length > 0 && parts[i + 3].Length > 0 && parts[i + 5].Length > 0
            ? new SpiffeId(parsed.Host, Uri.UnescapeDataString(parts[i + 1]), Uri.UnescapeDataString(parts[i + 3]), Uri.UnescapeDataString(parts[i + 5]), Uri.UnescapeDataString(partition))
            : null;
    }

    /// <summary>The first URI SAN of the certificate (Connect puts exactly one there), or null.</summary>
    public static string? FirstUriSan(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(uriTag))
                {
                    return names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag);
                }

                names.ReadEncodedValue();
            }
        }
        catch (AsnContentException)
        {
        }

        return null;
    }

    public static SpiffeId? FromCertificate(X509Certificate2 certificate) => TryParse(FirstUriSan(certificate));
}
