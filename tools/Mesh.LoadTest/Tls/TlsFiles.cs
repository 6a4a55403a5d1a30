using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.LoadTest.Tls;

/// <summary>A CA, a server certificate (server.dc1.consul, localhost, 127.0.0.1) and a CLI certificate as PEM files, ECDSA P-256 as Consul's generator.</summary>
public sealed record TlsFiles(string CaFile, string ServerCert, string ServerKey, string ClientCert, string ClientKey)
{
    public static TlsFiles Create(string folder)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Mesh Benchmark CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var files = new TlsFiles(
            Path.Combine(folder, "consul-agent-ca.pem"),
            Path.Combine(folder, "dc1-server-consul-0.pem"),
            Path.Combine(folder, "dc1-server-consul-0-key.pem"),
            Path.Combine(folder, "dc1-cli-consul-0.pem"),
            Path.Combine(folder, "dc1-cli-consul-0-key.pem"));
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());
        Issue(ca, "server.dc1.consul", files.ServerCert, files.ServerKey, 1);
        Issue(ca, "cli.dc1.consul", files.ClientCert, files.ClientKey, 2);
        return files;
    }

    private static void Issue(X509Certificate2 ca, string name, string certFile, string keyFile, byte serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), [serial]);
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportECPrivateKeyPem());
    }
}
