using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Ca.Tests.Support;
using Mesh.Testing;

namespace Mesh.Ca.Tests;

public sealed class ImportedRootTests
{
    [Fact]
    public async Task Put_OperatorRootMadeWithOpenSsl_BecomesTheActiveRootAndSignsLeaves()
    {
        using var directory = new TempDirectory("mesh-ca-import");
        var keyPath = Path.Combine(directory.Path, "key.pem");
        var certificatePath = Path.Combine(directory.Path, "cert.pem");
        await RunOpenSslAsync(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyPath, "-out", certificatePath,
            "-days", "365", "-subj", "/CN=Operator Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        var keyPem = await File.ReadAllTextAsync(keyPath);
        var certificatePem = await File.ReadAllTextAsync(certificatePath);

        await using var server = await TestServer.StartAsync();
        var oldRoot = await server.ActiveRootAsync();
        var oldLeaf = await server.LeafAsync("web");
        await server.PutConfigurationOkAsync(CaConfigurationValidationTests.ImportBody(keyPem, certificatePem));

        var active = await server.ActiveRootAsync();
        using var imported = X509Certificate2.CreateFromPem(certificatePem);
        Assert.Equal(Pem.Certificate(imported), active.GetProperty("RootCert").GetString());
        Assert.Equal(KeyIds.ColonHex(imported.GetCertHash()), active.GetProperty("ID").GetString());
        Assert.Equal(KeyIds.ColonHex(imported.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.Span), active.GetProperty("SigningKeyID").GetString());
        Assert.Equal("ec", active.GetProperty("PrivateKeyType").GetString());
        Assert.Single(active.GetProperty("IntermediateCerts").EnumerateArray());

        var configuration = await server.GetJsonAsync("/v1/connect/ca/configuration");
        Assert.DoesNotContain("PRIVATE KEY", configuration.GetRawText());
        Assert.DoesNotContain("PrivateKey\"", configuration.GetRawText());

        var leaf = await server.LeafAsync("web", $"?index={oldLeaf.Index}&wait=10s");
        await ChainCheck.AssertVerifiesAsync(leaf.CertPem, [certificatePem]);
        await ChainCheck.AssertVerifiesAsync(leaf.CertPem, [oldRoot.GetProperty("RootCert").GetString()!]);

        // Importing the same root again changes nothing about the roots.
        var roots = (await server.RootsAsync()).GetRawText();
        await server.PutConfigurationOkAsync(CaConfigurationValidationTests.ImportBody(keyPem, certificatePem));
        Assert.Equal(roots, (await server.RootsAsync()).GetRawText());
    }

    private static async Task RunOpenSslAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "openssl failed: " + await error);
    }
}
