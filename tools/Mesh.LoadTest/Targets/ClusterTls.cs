using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mesh.Agent.Cli.Tls;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// Certificates for the <c>cluster --tls</c> mode, made once per run with the code behind <c>mesh tls</c> (an agent CA,
/// one server certificate with Consul's SANs <c>server.dc1.consul</c>, <c>localhost</c>, <c>127.0.0.1</c> used by every
/// member of both targets, and a client certificate for the load driver), and the client side of the handshake: trust
/// only that CA, present the client certificate. Both targets verify client and peer certificates.
/// </summary>
public sealed class ClusterTls : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _client;

    private ClusterTls(DirectoryInfo directory, X509Certificate2 ca, X509Certificate2 client)
    {
        Directory = directory;
        _ca = ca;
        _client = client;
    }

    public DirectoryInfo Directory { get; }

    public string CaFile => Path.Combine(Directory.FullName, "consul-agent-ca.pem");

    public string ServerCertFile => Path.Combine(Directory.FullName, "dc1-server-consul-0.pem");

    public string ServerKeyFile => Path.Combine(Directory.FullName, "dc1-server-consul-0-key.pem");

    public static ClusterTls Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("cluster-tls-");
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var ca = AgentCertificateAuthority.CreateCa(new CaOptions("Load Test Agent CA", 7, []), now);
        File.WriteAllText(Path.Combine(directory.FullName, "consul-agent-ca.pem"), ca.ExportCertificatePem() + "\n");
        IReadOnlyList<System.Security.Cryptography.Oid> both = [AgentCertificateAuthority.ServerAuth, AgentCertificateAuthority.ClientAuth];
        var (server, serverKey) = AgentCertificateAuthority.CreateLeaf(ca, new LeafOptions("server.dc1.consul", 2, ["server.dc1.consul", "localhost"], [IPAddress.Loopback], both), now);
        using (server)
        using (serverKey)
        {
            File.WriteAllText(Path.Combine(directory.FullName, "dc1-server-consul-0.pem"), server.ExportCertificatePem() + "\n");
            File.WriteAllText(Path.Combine(directory.FullName, "dc1-server-consul-0-key.pem"), serverKey.ExportECPrivateKeyPem() + "\n");
        }

        var (client, clientKey) = AgentCertificateAuthority.CreateLeaf(ca, new LeafOptions("client.dc1.consul", 2, ["client.dc1.consul", "localhost"], [IPAddress.Loopback], both), now);
        using (client)
        using (clientKey)
        using (var withKey = client.CopyWithPrivateKey(clientKey))
        {
            return new ClusterTls(directory, ca, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
        }
    }

    /// <summary>HTTPS as the load driver speaks it: only the agent CA is trusted, the client certificate is presented.</summary>
    public void Configure(SocketsHttpHandler handler)
    {
        handler.SslOptions.ClientCertificates = [_client];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }

    public HttpClient CreateHttpClient(TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        Configure(handler);
        return new HttpClient(handler) { Timeout = timeout };
    }

    public void Dispose()
    {
        _ca.Dispose();
        _client.Dispose();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
