using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Tls;

/// <summary>One loaded, checked set of TLS files: the certificate this server presents (with its key) and the CAs it trusts.</summary>
public sealed record TlsMaterial
{
    /// <summary>The leaf certificate with its private key; null when the interface has no cert_file/key_file.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The leaf plus any intermediates from the cert file, built once and shared by every handshake.</summary>
    public SslStreamCertificateContext? CertificateContext { get; init; }

    /// <summary>CA certificates from ca_file and ca_path; empty when neither is set.</summary>
    public X509Certificate2Collection Authorities { get; init; } = [];

    /// <summary>A short description for logs: subject, serial, expiry.</summary>
    public string Describe()
        => Certificate is { } certificate
            ? $"{certificate.Subject} (serial {certificate.SerialNumber}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ})"
            : "no certificate";
}
