using System.Globalization;
using System.Net;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Tls;

/// <summary>The HTTPS API, checked with TLS clients we did not write: curl, openssl s_client and python-consul.</summary>
public sealed class HttpsApiTests : IDisposable
{
    private readonly TestCertificates _ca = new();

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Https_WithoutVerifyIncoming_ServesCurlWithTheCa_BesidePlainHttp_AndReportsTheGrpcPorts()
    {
        await using var server = await TestServer.StartAsync(c => TlsTestClients.WithTls(c, _ca.CaFile, _ca.Server()));
        var https = server.Server.Config.HttpsPort;

        var (exit, stdout, stderr) = await TlsTestClients.RunAsync("curl", ["-sS", "--cacert", _ca.CaFile, $"https://127.0.0.1:{Port(https)}/v1/agent/self"], TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"curl failed ({exit}): {stderr}");
        var xds = JsonDocument.Parse(stdout).RootElement.GetProperty("XDS");
        Assert.Equal(server.Server.Config.GrpcTlsPort, xds.GetProperty("Ports").GetProperty("TLS").GetInt32());
        Assert.Equal(server.Server.Config.GrpcPort, xds.GetProperty("Ports").GetProperty("Plaintext").GetInt32());
        Assert.Equal(server.Server.Config.GrpcTlsPort, xds.GetProperty("Port").GetInt32());

        // Without the CA curl must refuse the certificate: the server is not trusted by accident.
        var (untrusted, _, _) = await TlsTestClients.RunAsync("curl", ["-sS", "-o", "/dev/null", $"https://127.0.0.1:{Port(https)}/v1/agent/self"], TimeSpan.FromSeconds(30));
        Assert.Equal(60, untrusted); // CURLE_PEER_FAILED_VERIFICATION

        // Plain HTTP keeps working alongside, and a plaintext request on the HTTPS port gets no API answer.
        using var plain = await server.Http.GetAsync("/v1/agent/self");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var (plainOnTls, plainBody, _) = await TlsTestClients.RunAsync("curl", ["-sS", $"http://127.0.0.1:{Port(https)}/v1/agent/self"], TimeSpan.FromSeconds(30));
        Assert.True(plainOnTls != 0 || !plainBody.Contains("\"XDS\"", StringComparison.Ordinal), "a plaintext request on the HTTPS port must not be served");

        using var client = TlsTestClients.HttpsClient(server.Server.HttpsAddress!, _ca.CaFile);
        using var response = await client.PutAsync("/v1/catalog/register", new StringContent("""{"Node":"tls-node","Address":"10.1.1.1","Service":{"Service":"web"}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Https_VerifyIncoming_RequiresAClientCertificateFromTheCa()
    {
        await using var server = await TestServer.StartAsync(c => TlsTestClients.WithTls(c, _ca.CaFile, _ca.Server(), httpsVerifyIncoming: true));
        var url = $"https://127.0.0.1:{Port(server.Server.Config.HttpsPort)}/v1/agent/self";
        var cli = _ca.Cli();

        var (noCert, _, _) = await TlsTestClients.RunAsync("curl", ["-sS", "-o", "/dev/null", "--cacert", _ca.CaFile, url], TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, noCert);

        using var otherCa = new TestCertificates("Other CA");
        var stranger = otherCa.Cli();
        var (foreignCert, _, _) = await TlsTestClients.RunAsync("curl", ["-sS", "-o", "/dev/null", "--cacert", _ca.CaFile, "--cert", stranger.Cert, "--key", stranger.Key, url], TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, foreignCert);

        var (withCert, stdout, stderr) = await TlsTestClients.RunAsync("curl", ["-sS", "--cacert", _ca.CaFile, "--cert", cli.Cert, "--key", cli.Key, url], TimeSpan.FromSeconds(30));
        Assert.True(withCert == 0, $"curl with the CLI certificate failed ({withCert}): {stderr}");
        Assert.Equal("dc1", JsonDocument.Parse(stdout).RootElement.GetProperty("Config").GetProperty("Datacenter").GetString());

        // openssl's own view of the handshake: the server's chain verifies against the CA and it asks for a client certificate.
        var (_, handshake, _) = await TlsTestClients.RunAsync(
            "openssl",
            ["s_client", "-connect", $"127.0.0.1:{Port(server.Server.Config.HttpsPort)}", "-CAfile", _ca.CaFile, "-cert", cli.Cert, "-key", cli.Key, "-verify_return_error", "-ign_eof"],
            TimeSpan.FromSeconds(30),
            stdin: "GET /v1/status/leader HTTP/1.0\r\n\r\n");
        Assert.Contains("Verify return code: 0 (ok)", handshake, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.0 200", handshake.Replace("HTTP/1.1 200", "HTTP/1.0 200", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_CaPath_TrustsTheCertificatesInTheFolder()
    {
        // ca_path instead of ca_file: the folder's certificates are the authorities for client certificates.
        var folder = Directory.CreateTempSubdirectory("mesh-ca-path-");
        try
        {
            File.Copy(_ca.CaFile, Path.Combine(folder.FullName, "consul-agent-ca.pem"));
            await using var server = await TestServer.StartAsync(c =>
            {
                var tls = TlsTestClients.WithTls(c, _ca.CaFile, _ca.Server(), httpsVerifyIncoming: true);
                return tls with { Tls = tls.Tls! with { Defaults = tls.Tls!.Defaults! with { CaFile = null, CaPath = folder.FullName } } };
            });
            var url = $"https://127.0.0.1:{Port(server.Server.Config.HttpsPort)}/v1/status/leader";
            var cli = _ca.Cli();

            var (withCert, _, stderr) = await TlsTestClients.RunAsync("curl", ["-sS", "-o", "/dev/null", "--cacert", _ca.CaFile, "--cert", cli.Cert, "--key", cli.Key, url], TimeSpan.FromSeconds(30));
            Assert.True(withCert == 0, $"curl with the CLI certificate failed ({withCert}): {stderr}");

            using var otherCa = new TestCertificates("Other CA");
            var stranger = otherCa.Cli();
            var (foreignCert, _, _) = await TlsTestClients.RunAsync("curl", ["-sS", "-o", "/dev/null", "--cacert", _ca.CaFile, "--cert", stranger.Cert, "--key", stranger.Key, url], TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, foreignCert);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>python-consul (Debian's python3-consul), scheme='https', verify= the CA file.</summary>
    [Fact]
    public async Task PythonConsul_OverHttps_VerifiesTheServerWithTheCaFile()
    {
        const string Script = """
            import json, consul
            c = consul.Consul(host='127.0.0.1', port=PORT, scheme='https', verify='CAFILE')
            out = {}
            out['register'] = c.catalog.register('py-tls-node', '10.2.2.2', service={'service': 'pyweb', 'port': 9000})
            index, nodes = c.catalog.service('pyweb')
            out['nodes'] = nodes
            out['leader'] = c.status.leader()
            try:
                consul.Consul(host='127.0.0.1', port=PORT, scheme='https', verify=True).status.leader()
                out['untrusted'] = 'accepted'
            except Exception as e:
                out['untrusted'] = type(e).__name__
            print(json.dumps(out))
            """;
        var python = await FindPythonWithConsulAsync();
        Assert.True(python is not null, "python3 with the 'consul' module (Debian package python3-consul) is required; tools/run-tests.sh installs it when run as root.");
        await using var server = await TestServer.StartAsync(c => TlsTestClients.WithTls(c, _ca.CaFile, _ca.Server()));

        var script = Script.Replace("PORT", Port(server.Server.Config.HttpsPort), StringComparison.Ordinal).Replace("CAFILE", _ca.CaFile, StringComparison.Ordinal);
        var (exit, stdout, stderr) = await TlsTestClients.RunAsync(python!, ["-c", script], TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"python-consul failed ({exit}): {stderr}\n{stdout}");
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.True(result.GetProperty("register").GetBoolean());
        Assert.Equal("py-tls-node", Assert.Single(result.GetProperty("nodes").EnumerateArray()).GetProperty("Node").GetString());
        Assert.NotEqual("accepted", result.GetProperty("untrusted").GetString());
    }

    private static async Task<string?> FindPythonWithConsulAsync()
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var (exit, _, _) = await TlsTestClients.RunAsync(candidate, ["-c", "import consul"], TimeSpan.FromSeconds(30));
                if (exit == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        return null;
    }

    public void Dispose() => _ca.Dispose();
}
