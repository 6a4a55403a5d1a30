using System.Security.Cryptography.X509Certificates;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli.Tls;

/// <summary>
/// <c>mesh tls ca create</c> and <c>mesh tls cert create</c> run as the real executable in a temp folder; what they
/// write is checked with <c>openssl verify</c> and <c>openssl x509 -text</c>, not with our own code.
/// </summary>
public sealed class TlsCreateCommandTests
{
    [Fact]
    public async Task CaCreate_WritesConsulsFileNames_AnEcP256CaValidFor1825Days_AndRefusesToOverwrite()
    {
        using var dir = new TempDirectory();
        var created = await ExternalProcess.MeshAsync(dir.Path, "tls", "ca", "create");
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Contains("==> Saved consul-agent-ca.pem", created.Out, StringComparison.Ordinal);
        Assert.Contains("==> Saved consul-agent-ca-key.pem", created.Out, StringComparison.Ordinal);
        AssertMode(Path.Combine(dir.Path, "consul-agent-ca.pem"), "644");
        AssertMode(Path.Combine(dir.Path, "consul-agent-ca-key.pem"), "600");

        var text = await Openssl(dir.Path, "x509", "-in", "consul-agent-ca.pem", "-noout", "-text");
        Assert.Contains("CA:TRUE", text, StringComparison.Ordinal);
        Assert.Contains("ASN1 OID: prime256v1", text, StringComparison.Ordinal);
        Assert.Contains("ecdsa-with-SHA256", text, StringComparison.Ordinal);
        Assert.Contains("Certificate Sign, CRL Sign", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Name Constraints", text, StringComparison.Ordinal);
        var key = await Openssl(dir.Path, "ec", "-in", "consul-agent-ca-key.pem", "-noout", "-check");
        Assert.Contains("EC Key valid", key, StringComparison.Ordinal);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dir.Path, "consul-agent-ca.pem"));
        Assert.InRange((ca.NotAfter - ca.NotBefore).TotalDays, 1824.9, 1825.1);

        var before = await File.ReadAllTextAsync(Path.Combine(dir.Path, "consul-agent-ca.pem"));
        var again = await ExternalProcess.MeshAsync(dir.Path, "tls", "ca", "create");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("consul-agent-ca.pem already exists.", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(dir.Path, "consul-agent-ca.pem")));
    }

    [Fact]
    public async Task CertCreate_ServerClientCli_VerifyAgainstTheCa_WithConsulsNamesSansAndIndexes()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await ExternalProcess.MeshAsync(dir.Path, "tls", "ca", "create")).ExitCode);

        var server = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-server", "-node", "mesh-1",
            "-additional-dnsname", "mesh.example.org", "-additional-ipaddress", "10.0.0.7");
        Assert.True(server.ExitCode == 0, server.Error);
        Assert.Contains("WARNING: Server Certificates grants authority", server.Out, StringComparison.Ordinal);
        Assert.Contains("==> Saved dc1-server-consul-0.pem", server.Out, StringComparison.Ordinal);
        Assert.Contains("==> Saved dc1-server-consul-0-key.pem", server.Out, StringComparison.Ordinal);
        AssertMode(Path.Combine(dir.Path, "dc1-server-consul-0.pem"), "644");
        AssertMode(Path.Combine(dir.Path, "dc1-server-consul-0-key.pem"), "600");
        Assert.Contains("dc1-server-consul-0.pem: OK", await Openssl(dir.Path, "verify", "-CAfile", "consul-agent-ca.pem", "dc1-server-consul-0.pem"), StringComparison.Ordinal);
        var text = await Openssl(dir.Path, "x509", "-in", "dc1-server-consul-0.pem", "-noout", "-text");
        Assert.Contains("Subject: CN = server.dc1.consul", text, StringComparison.Ordinal);
        Assert.Contains("DNS:server.dc1.consul, DNS:mesh-1.server.dc1.consul, DNS:localhost, DNS:mesh.example.org, IP Address:127.0.0.1, IP Address:10.0.0.7", text, StringComparison.Ordinal);
        Assert.Contains("TLS Web Server Authentication, TLS Web Client Authentication", text, StringComparison.Ordinal);
        Assert.Contains("ASN1 OID: prime256v1", text, StringComparison.Ordinal);
        Assert.Contains("CA:FALSE", text, StringComparison.Ordinal);
        Assert.Contains("will not expire", await Openssl(dir.Path, "x509", "-in", "dc1-server-consul-0.pem", "-noout", "-checkend", "0"), StringComparison.Ordinal);
        Assert.Contains("Digital Signature, Key Encipherment", text, StringComparison.Ordinal);
        Assert.Contains(await Openssl(dir.Path, "x509", "-in", "dc1-server-consul-0.pem", "-noout", "-pubkey"), await Openssl(dir.Path, "ec", "-in", "dc1-server-consul-0-key.pem", "-pubout"), StringComparison.Ordinal);
        using (var leaf = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dir.Path, "dc1-server-consul-0.pem")))
        {
            Assert.InRange((leaf.NotAfter - leaf.NotBefore).TotalDays, 364.9, 365.1);
        }

        var second = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-server");
        Assert.Contains("==> Saved dc1-server-consul-1.pem", second.Out, StringComparison.Ordinal);

        var client = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-client");
        Assert.True(client.ExitCode == 0, client.Error);
        Assert.DoesNotContain("WARNING", client.Out, StringComparison.Ordinal);
        Assert.Contains("dc1-client-consul-0.pem: OK", await Openssl(dir.Path, "verify", "-CAfile", "consul-agent-ca.pem", "dc1-client-consul-0.pem"), StringComparison.Ordinal);
        var clientText = await Openssl(dir.Path, "x509", "-in", "dc1-client-consul-0.pem", "-noout", "-text");
        Assert.Contains("Subject: CN = client.dc1.consul", clientText, StringComparison.Ordinal);
        Assert.Contains("DNS:client.dc1.consul, DNS:localhost, IP Address:127.0.0.1", clientText, StringComparison.Ordinal);

        var cli = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-cli", "-days", "30");
        Assert.True(cli.ExitCode == 0, cli.Error);
        Assert.Contains("dc1-cli-consul-0.pem: OK", await Openssl(dir.Path, "verify", "-CAfile", "consul-agent-ca.pem", "dc1-cli-consul-0.pem"), StringComparison.Ordinal);
        var cliText = await Openssl(dir.Path, "x509", "-in", "dc1-cli-consul-0.pem", "-noout", "-text");
        Assert.Contains("Subject: CN = cli.dc1.consul", cliText, StringComparison.Ordinal);
        Assert.Contains("DNS:cli.dc1.consul, DNS:localhost", cliText, StringComparison.Ordinal);
        Assert.DoesNotContain("IP Address", cliText, StringComparison.Ordinal);
        Assert.DoesNotContain("Extended Key Usage", cliText, StringComparison.Ordinal);
        using var cliCert = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dir.Path, "dc1-cli-consul-0.pem"));
        Assert.InRange((cliCert.NotAfter - cliCert.NotBefore).TotalDays, 29.9, 30.1);
    }

    [Fact]
    public async Task DcDomainAndNameConstraints_ShapeNamesAndFiles_AndOpensslEnforcesTheConstraint()
    {
        using var dir = new TempDirectory();
        var ca = await ExternalProcess.MeshAsync(dir.Path, "tls", "ca", "create", "-domain", "mesh", "-name-constraint", "-days", "100");
        Assert.True(ca.ExitCode == 0, ca.Error);
        var caText = await Openssl(dir.Path, "x509", "-in", "mesh-agent-ca.pem", "-noout", "-text");
        Assert.Contains("X509v3 Name Constraints: critical", caText, StringComparison.Ordinal);
        Assert.Contains("DNS:mesh", caText, StringComparison.Ordinal);
        Assert.Contains("DNS:localhost", caText, StringComparison.Ordinal);

        var server = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-server", "-dc", "east", "-domain", "mesh", "-days", "30");
        Assert.True(server.ExitCode == 0, server.Error);
        Assert.Contains("==> Using mesh-agent-ca.pem and mesh-agent-ca-key.pem", server.Out, StringComparison.Ordinal);
        Assert.Contains("east-server-mesh-0.pem: OK", await Openssl(dir.Path, "verify", "-CAfile", "mesh-agent-ca.pem", "east-server-mesh-0.pem"), StringComparison.Ordinal);
        Assert.Contains("DNS:server.east.mesh", await Openssl(dir.Path, "x509", "-in", "east-server-mesh-0.pem", "-noout", "-text"), StringComparison.Ordinal);

        // A name outside the constraint: the certificate is made, and a verifier that enforces constraints refuses it.
        var outside = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-client", "-domain", "mesh", "-additional-dnsname", "evil.example.com", "-days", "30");
        Assert.Equal(0, outside.ExitCode);
        var refused = await ExternalProcess.OpensslAsync(dir.Path, "verify", "-CAfile", "mesh-agent-ca.pem", "dc1-client-mesh-0.pem");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("permitted subtree violation", refused.Out + refused.Error, StringComparison.Ordinal);

        var tooLong = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-client", "-domain", "mesh", "-days", "365");
        Assert.Equal(1, tooLong.ExitCode);
        Assert.Contains("after its CA", tooLong.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "tls", "cert", "create" }, "Please provide either -server, -client, or -cli")]
    [InlineData(new[] { "tls", "cert", "create", "-server", "-client" }, "Please provide either -server, -client, or -cli")]
    [InlineData(new[] { "tls", "cert", "create", "-client", "-node", "n1" }, "-node requires -server")]
    [InlineData(new[] { "tls", "cert", "create", "-server" }, "consul-agent-ca.pem could not be read")]
    [InlineData(new[] { "tls", "cert", "create", "-server", "-additional-ipaddress", "not-an-ip" }, "not a valid IP address")]
    [InlineData(new[] { "tls", "ca", "create", "-days", "0" }, "-days must be a positive number")]
    public async Task BadInput_ExitsNonZeroWithAClearMessage_AndWritesNothing(string[] args, string message)
    {
        using var dir = new TempDirectory();
        var result = await ExternalProcess.MeshAsync(dir.Path, args);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task CertCreate_WithAGarbageCaFile_ExitsNonZeroNamingTheFile()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "consul-agent-ca.pem"), "not a certificate");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "consul-agent-ca-key.pem"), "not a key");
        var result = await ExternalProcess.MeshAsync(dir.Path, "tls", "cert", "create", "-server");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error reading CA consul-agent-ca.pem", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length);
    }

    private static async Task<string> Openssl(string dir, params string[] args)
    {
        var result = await ExternalProcess.OpensslAsync(dir, args);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)}: {result.Error}");
        return result.Out + result.Error;
    }

    private static void AssertMode(string path, string octal)
    {
        Assert.False(OperatingSystem.IsWindows(), "file modes are a Unix contract");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(octal, Convert.ToString((int)File.GetUnixFileMode(path), 8));
        }
    }
}
