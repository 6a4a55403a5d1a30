using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Mesh.Connect;

/// <summary>
/// The service's leaf as <c>/v1/agent/connect/ca/leaf/:service</c> gave it: the certificate with its key, the
/// intermediates that follow it in <c>CertPEM</c> (a cross-signed root during rotation), ready for <see cref="SslStream"/>.
/// </summary>
public sealed class LeafCertificate
{
    private LeafCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates, SslStreamCertificateContext context, string serialNumber, DateTimeOffset validBefore, long index)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        Context = context;
        SerialNumber = serialNumber;
        ValidBefore = validBefore;
        Index = index;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Intermediates { get; }

    /// <summary>What a handshake presents: the leaf plus intermediates (built offline, no chain download).</summary>
    public SslStreamCertificateContext Context { get; }

    public string SerialNumber { get; }

    public DateTimeOffset ValidBefore { get; }

    public long Index { get; }

    public SpiffeId? Identity => SpiffeId.FromCertificate(Certificate);

    public static LeafCertificate Parse(JsonElement body, long index)
    {
        var certPem = body.GetProperty("CertPEM").GetString() ?? throw new ConnectApiException("the leaf has no CertPEM");
        var keyPem = body.GetProperty("PrivateKeyPEM").GetString() ?? throw new ConnectApiException("the leaf has no PrivateKeyPEM");
        var certificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certPem);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        var serial = body.TryGetProperty(nameof(SerialNumber), out var s) ? s.GetString() ?? string.Empty : string.Empty;
        return new LeafCertificate(certificate, intermediates, context, serial, certificate.NotAfter.ToUniversalTime(), index);
    }
}
