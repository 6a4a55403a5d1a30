using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Testing;

/// <summary>
/// A throwaway CA in a folder, issuing PEM certificates named as <c>mesh tls cert create</c> (Consul) names them:
/// <c>consul-agent-ca.pem</c>, <c>dc1-server-consul-0.pem</c> / <c>-key.pem</c>, ... Generated in-process with
/// <see cref="CertificateRequest"/> (ECDSA P-256, as Consul's generator).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TempDirectory _directory = new("mesh-tls");
    private readonly X509Certificate2 _ca;
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private int _issued;

    public TestCertificates(string commonName = "Mesh Test CA")
    {
        var request = new CertificateRequest($"CN={commonName}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(5));
        CaFile = Path.Combine(Folder, "consul-agent-ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem() + "\n");
    }

    public string Folder => _directory.Path;

    public string CaFile { get; }

    /// <summary>A server certificate for <c>server.&lt;dc&gt;.consul</c>, <c>localhost</c> and 127.0.0.1.</summary>
    public (string Cert, string Key) Server(string datacenter = "dc1", DateTimeOffset? notAfter = null, DateTimeOffset? notBefore = null)
        => Issue($"{datacenter}-server-consul", $"server.{datacenter}.consul", [$"server.{datacenter}.consul", "localhost"], notAfter, notBefore);

    /// <summary>A client certificate (<c>client.&lt;dc&gt;.consul</c>): no server name.</summary>
    public (string Cert, string Key) Client(string datacenter = "dc1")
        => Issue($"{datacenter}-client-consul", $"client.{datacenter}.consul", [$"client.{datacenter}.consul", "localhost"], null, null);

    /// <summary>A CLI certificate (<c>cli.&lt;dc&gt;.consul</c>).</summary>
    public (string Cert, string Key) Cli(string datacenter = "dc1")
        => Issue($"{datacenter}-cli-consul", $"cli.{datacenter}.consul", [$"cli.{datacenter}.consul", "localhost"], null, null);

    public (string Cert, string Key) Issue(string prefix, string commonName, IReadOnlyList<string> dnsNames, DateTimeOffset? notAfter, DateTimeOffset? notBefore)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        var from = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        if (until > _ca.NotAfter)
        {
            until = _ca.NotAfter;
        }

        using var certificate = request.Create(_ca, from, until, serial);
        var index = Interlocked.Increment(ref _issued) - 1;
        var cert = Path.Combine(Folder, $"{prefix}-{index}.pem");
        var keyFile = Path.Combine(Folder, $"{prefix}-{index}-key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportECPrivateKeyPem() + "\n");
        return (cert, keyFile);
    }

    /// <summary>The SHA-1 thumbprint of the first certificate in a PEM file.</summary>
    public static string Thumbprint(string pemFile)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(pemFile));
        return certificate.Thumbprint;
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        _directory.Dispose();
    }
}
