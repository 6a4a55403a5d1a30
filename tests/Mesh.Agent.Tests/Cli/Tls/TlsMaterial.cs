using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mesh.Agent.Cli.Tls;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli.Tls;

/// <summary>
/// An agent CA with a server and a CLI certificate, and a second CA that signed nothing the server trusts, as PEM
/// files in a temp folder (made with the same code as <c>mesh tls</c>; the commands themselves are tested with openssl).
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    private readonly TempDirectory _dir = new("mesh-tls");

    public TlsMaterial()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        Ca = AgentCertificateAuthority.CreateCa(new CaOptions("Test Agent CA", 30, []), now);
        using var other = AgentCertificateAuthority.CreateCa(new CaOptions("Other CA", 30, []), now);
        CaFile = Write("consul-agent-ca.pem", Ca.ExportCertificatePem());
        OtherCaFile = Write("other-ca.pem", other.ExportCertificatePem());
        GarbageFile = Write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        (ServerCertificate, ServerCertFile, _) = Leaf("dc1-server-consul-0", Ca, "server.dc1.consul", ["server.dc1.consul", "localhost"], [IPAddress.Loopback], true);
        (_, CliCertFile, CliKeyFile) = Leaf("dc1-cli-consul-0", Ca, "cli.dc1.consul", ["cli.dc1.consul", "localhost"], [], false);
        (_, OtherCliCertFile, OtherCliKeyFile) = Leaf("other-cli", other, "cli.dc1.consul", ["cli.dc1.consul"], [], false);
    }

    public X509Certificate2 Ca { get; }

    /// <summary>With its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public string CaFile { get; }

    public string OtherCaFile { get; }

    public string GarbageFile { get; }

    public string ServerCertFile { get; }

    public string CliCertFile { get; }

    public string CliKeyFile { get; }

    public string OtherCliCertFile { get; }

    public string OtherCliKeyFile { get; }

    public string Folder => _dir.Path;

    public void Dispose()
    {
        Ca.Dispose();
        ServerCertificate.Dispose();
        _dir.Dispose();
    }

    private (X509Certificate2 WithKey, string CertFile, string KeyFile) Leaf(string name, X509Certificate2 ca, string cn, string[] dns, IPAddress[] ips, bool server)
    {
        var (certificate, key) = AgentCertificateAuthority.CreateLeaf(ca, new LeafOptions(cn, 10, dns, ips,
            server ? [AgentCertificateAuthority.ServerAuth, AgentCertificateAuthority.ClientAuth] : []), DateTimeOffset.UtcNow.AddMinutes(-1));
        using (certificate)
        using (key)
        {
            var certFile = Write(name + ".pem", certificate.ExportCertificatePem());
            var keyFile = Write(name + "-key.pem", key.ExportECPrivateKeyPem());
            using var ephemeral = certificate.CopyWithPrivateKey(key);
            return (X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null), certFile, keyFile);
        }
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}
