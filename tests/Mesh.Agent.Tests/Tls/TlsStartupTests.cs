using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Agent.Tls;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Tls;

/// <summary>Bad TLS input stops the agent at start with a message naming the file (or key) and the problem.</summary>
public sealed class TlsStartupTests : IDisposable
{
    private readonly TestCertificates _ca = new();

    private async Task<string> StartFailureAsync(Func<AgentConfig, AgentConfig> configure)
    {
        var error = await Assert.ThrowsAsync<TlsConfigException>(() => TestServer.StartAsync(configure));
        return error.Message;
    }

    private AgentConfig Https(AgentConfig config, string? ca, string cert, string key) => config with
    {
        HttpsPort = FreePort.Next(),
        Tls = new TlsConfig { Https = new TlsStanza { CaFile = ca, CertFile = cert, KeyFile = key } },
    };

    [Fact]
    public async Task MissingCertificateFile_RefusesToStart_NamingTheFile()
    {
        var (_, key) = _ca.Server();
        var missing = Path.Combine(_ca.Folder, "nope.pem");

        var message = await StartFailureAsync(c => Https(c, _ca.CaFile, missing, key));

        Assert.Contains("tls.https.cert_file", message, StringComparison.Ordinal);
        Assert.Contains(missing, message, StringComparison.Ordinal);
        Assert.Contains("does not exist", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyOfAnotherCertificate_RefusesToStart()
    {
        var (cert, _) = _ca.Server();
        var (_, otherKey) = _ca.Server();

        var message = await StartFailureAsync(c => Https(c, _ca.CaFile, cert, otherKey));

        Assert.Contains(otherKey, message, StringComparison.Ordinal);
        Assert.Contains("does not match the certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredCertificate_RefusesToStart()
    {
        var (cert, key) = _ca.Server(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var message = await StartFailureAsync(c => Https(c, _ca.CaFile, cert, key));

        Assert.Contains(cert, message, StringComparison.Ordinal);
        Assert.Contains("expired on", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not a certificate\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")]
    public async Task GarbageCaFile_RefusesToStart(string content)
    {
        var (cert, key) = _ca.Server();
        var garbage = Path.Combine(_ca.Folder, "garbage-ca.pem");
        await File.WriteAllTextAsync(garbage, content);

        var message = await StartFailureAsync(c => Https(c, garbage, cert, key));

        Assert.Contains("tls.https.ca_file", message, StringComparison.Ordinal);
        Assert.Contains(garbage, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsPortWithoutCertificate_RefusesToStart()
    {
        var message = await StartFailureAsync(c => c with { HttpsPort = FreePort.Next() });

        Assert.Contains("ports.https", message, StringComparison.Ordinal);
        Assert.Contains("cert_file", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyIncomingOnServerPortWithoutCa_RefusesToStart()
    {
        var (cert, key) = _ca.Server();

        var message = await StartFailureAsync(c => c with
        {
            Tls = new TlsConfig { InternalRpc = new TlsStanza { CertFile = cert, KeyFile = key, VerifyIncoming = true } },
        });

        Assert.Contains("tls.internal_rpc.verify_incoming", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_UnknownTlsVersion_IsRefusedWithTheKeyAndConsulsNames()
    {
        var file = Path.Combine(_ca.Folder, "agent.json");
        File.WriteAllText(file, """{"tls":{"defaults":{"tls_min_version":"tls1.2"}}}""");

        var error = Assert.Throws<UsageException>(() => AgentConfigFile.Apply(new AgentConfig(), file));

        Assert.Contains("tls.defaults.tls_min_version", error.Message, StringComparison.Ordinal);
        Assert.Contains("TLSv1_2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_UnknownKeyInAStanza_IsRefused()
    {
        var file = Path.Combine(_ca.Folder, "agent.json");
        File.WriteAllText(file, """{"tls":{"https":{"verify_server_hostname":true}}}""");

        var error = Assert.Throws<UsageException>(() => AgentConfigFile.Apply(new AgentConfig(), file));

        Assert.Contains("tls.https.verify_server_hostname", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_TlsBlockAndPorts_InheritFromDefaultsKeyByKey()
    {
        var file = Path.Combine(_ca.Folder, "agent.json");
        File.WriteAllText(file, """
            {
              "domain": "mesh.",
              "ports": {"http": -1, "https": 8501, "grpc": 8502, "grpc_tls": 8503},
              "tls": {
                "defaults": {"ca_file": "/ca.pem", "cert_file": "/s.pem", "key_file": "/s-key.pem", "verify_incoming": true, "verify_outgoing": true, "tls_min_version": "TLSv1_3"},
                "internal_rpc": {"verify_server_hostname": true},
                "https": {"verify_incoming": false, "tls_cipher_suites": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"},
                "grpc": {"cert_file": "/g.pem", "key_file": "/g-key.pem"}
              }
            }
            """);

        var config = AgentConfigFile.Apply(new AgentConfig(), file);

        Assert.Equal((-1, 8501, 8502, 8503), (config.HttpPort, config.HttpsPort, config.GrpcPort, config.GrpcTlsPort));
        Assert.Equal("mesh", config.Domain);
        var rpc = config.Tls.ForInternalRpc();
        Assert.True(rpc.VerifyIncoming && rpc.VerifyOutgoing && rpc.VerifyServerHostname);
        Assert.Equal(("/ca.pem", "/s.pem"), (rpc.CaFile, rpc.CertFile));
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls13, rpc.Protocols);
        var https = config.Tls.ForHttps();
        Assert.False(https.VerifyIncoming);
        Assert.Equal(2, https.CipherSuites.Count);
        var grpc = config.Tls.ForGrpc();
        Assert.Equal(("/g.pem", "/ca.pem"), (grpc.CertFile, grpc.CaFile));
        Assert.False(grpc.VerifyIncoming); // never inherited: Envoy presents no client certificate
    }

    [Fact]
    public void ConfigFile_LegacyTopLevelKeys_MapToTheirNewPlace()
    {
        var file = Path.Combine(_ca.Folder, "agent.json");
        File.WriteAllText(file, """{"ca_file":"/ca.pem","cert_file":"/s.pem","key_file":"/k.pem","verify_incoming_rpc":true,"verify_outgoing":true,"verify_server_hostname":true,"tls_min_version":"tls12"}""");

        var config = AgentConfigFile.Apply(new AgentConfig(), file);

        var rpc = config.Tls.ForInternalRpc();
        Assert.True(rpc.VerifyIncoming && rpc.VerifyOutgoing && rpc.VerifyServerHostname);
        Assert.False(config.Tls.ForHttps().VerifyIncoming);
        Assert.Equal("/ca.pem", rpc.CaFile);
    }

    public void Dispose() => _ca.Dispose();
}
