using System.Security.Cryptography.X509Certificates;

namespace Mesh.Ca.Crypto;

/// <summary>A read CSR: the request, its one URI SAN and its DNS SANs in order.</summary>
public sealed record SigningRequest(CertificateRequest Request, string Uri, IReadOnlyList<string> DnsNames)
{
    /// <summary>The request and its URI, for callers that sign services only.</summary>
    public void Deconstruct(out CertificateRequest request, out string uri)
    {
        request = Request;
        uri = Uri;
    }
}
