using System.Net;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Tls;

/// <summary>Certificates reload when their files change or on SIGHUP (<c>ReloadTls</c>); a bad file keeps the old one.</summary>
public sealed class CertificateReloadTests : IDisposable
{
    private readonly TestCertificates _ca = new();

    [Fact]
    public async Task ReplacedFiles_NewConnectionsGetTheNewCertificate_ABadFileKeepsTheOld_AndTheServerKeepsServing()
    {
        var logs = new CapturedLogs();
        var pair = _ca.Server();
        var first = TestCertificates.Thumbprint(pair.Cert);
        await using var server = await TestServer.StartAsync(c => TlsTestClients.WithTls(c, _ca.CaFile, pair), loggerFactory: logs);
        var port = server.Server.Config.HttpsPort;
        Assert.Equal(first, await TlsTestClients.PresentedThumbprintAsync(port));

        // A long-lived HTTPS connection opened before the rotation keeps working through it.
        using var client = TlsTestClients.HttpsClient(server.Server.HttpsAddress!, _ca.CaFile);
        using (var before = await client.GetAsync("/v1/status/leader"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var next = _ca.Server();
        var second = TestCertificates.Thumbprint(next.Cert);
        File.Copy(next.Cert, pair.Cert, overwrite: true);
        File.Copy(next.Key, pair.Key, overwrite: true);
        await Eventually.ValueAsync(() => TlsTestClients.PresentedThumbprintAsync(port), t => t == second, TimeSpan.FromSeconds(20), "the new certificate on new connections");
        using (var after = await client.GetAsync("/v1/status/leader"))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        // A key that does not match: refused on reload, logged, and the current certificate stays.
        var stray = _ca.Server();
        File.Copy(stray.Key, pair.Key, overwrite: true);
        await TestCluster.WaitUntilAsync(() => logs.Contains("does not match the certificate"), TimeSpan.FromSeconds(20), "the refused reload to be logged");
        Assert.Equal(second, await TlsTestClients.PresentedThumbprintAsync(port));
        Assert.Contains(logs.Lines, line => line.Contains("previous certificate stays in use", StringComparison.Ordinal));

        // Fixed files, reloaded explicitly (what SIGHUP does), are taken.
        File.Copy(stray.Cert, pair.Cert, overwrite: true);
        server.Server.ReloadTls();
        Assert.Equal(TestCertificates.Thumbprint(stray.Cert), await TlsTestClients.PresentedThumbprintAsync(port));
        using var last = await server.PutJsonAsync("/v1/catalog/register", """{"Node":"still-up","Address":"10.4.0.1"}""");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
    }

    public void Dispose() => _ca.Dispose();
}
