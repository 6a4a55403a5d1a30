using Envoy.Config.Bootstrap.V3;
using Mesh.Testing;
using Mesh.Xds;

namespace Mesh.Agent.Tests.Cli.Tls;

/// <summary>Consul's client environment variables (and their <c>MESH_*</c> twins) against a real HTTPS endpoint.</summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class HttpsClientEnvironmentTests : IClassFixture<TlsMaterialFixture>
{
    private static readonly string[] Variables =
    [
        "HTTP_ADDR", "HTTP_SSL", "HTTP_SSL_VERIFY", "CACERT", "CAPATH", "CLIENT_CERT", "CLIENT_KEY", "TLS_SERVER_NAME", "GRPC_ADDR", "GRPC_CACERT", "GRPC_CAPATH",
    ];

    private readonly TlsMaterial _tls;

    public HttpsClientEnvironmentTests(TlsMaterialFixture fixture) => _tls = fixture.Material;

    [Fact]
    public async Task ConsulVariables_AloneConfigureHttpsWithAClientCertificate()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: true);
        using var env = OnlyThese(
            ("CONSUL_HTTP_ADDR", front.Address.ToString()), ("CONSUL_CACERT", _tls.CaFile), ("CONSUL_CLIENT_CERT", _tls.CliCertFile), ("CONSUL_CLIENT_KEY", _tls.CliKeyFile));

        var register = await Cli.RunAsync("services", "register", "-name=env-tls");
        Assert.True(register.ExitCode == 0, register.Error);
        var list = await Cli.RunAsync("catalog", "services");
        Assert.Contains("env-tls", Cli.Lines(list.Out));
        Assert.Contains("CN=cli.dc1.consul", front.ClientSubjects);
    }

    [Fact]
    public async Task HttpSsl_MakesABareAddressHttps_AndAnExplicitSchemeWins()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);
        using var env = OnlyThese(("CONSUL_HTTP_ADDR", $"127.0.0.1:{front.Address.Port}"), ("CONSUL_HTTP_SSL", "true"), ("CONSUL_CACERT", _tls.CaFile));

        var ok = await Cli.RunAsync("catalog", "services");
        Assert.True(ok.ExitCode == 0, ok.Error);
        var plain = await Cli.RunAsync("catalog", "services", "-http-addr", server.Http.BaseAddress!.ToString());
        Assert.True(plain.ExitCode == 0, plain.Error);
    }

    [Fact]
    public async Task MeshVariables_WinOverConsulVariables_AndFlagsWinOverBoth()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);
        using var env = OnlyThese(("CONSUL_HTTP_ADDR", front.Address.ToString()), ("CONSUL_CACERT", _tls.OtherCaFile), ("MESH_CACERT", _tls.CaFile));

        var meshWins = await Cli.RunAsync("catalog", "services");
        Assert.True(meshWins.ExitCode == 0, meshWins.Error);
        var flagWins = await Cli.RunAsync("catalog", "services", "-ca-file", _tls.OtherCaFile);
        Assert.Equal(1, flagWins.ExitCode);
        Assert.Contains("signed by unknown authority", flagWins.Error, StringComparison.Ordinal);

        using var serverName = new EnvironmentScope(("CONSUL_TLS_SERVER_NAME", "server.dc9.consul"));
        var wrongName = await Cli.RunAsync("catalog", "services");
        Assert.Equal(1, wrongName.ExitCode);
        Assert.Contains("not valid for \"server.dc9.consul\"", wrongName.Error, StringComparison.Ordinal);
        var nameFlagWins = await Cli.RunAsync("catalog", "services", "-tls-server-name", "localhost");
        Assert.True(nameFlagWins.ExitCode == 0, nameFlagWins.Error);
    }

    [Fact]
    public async Task HttpSslVerifyFalse_AcceptsAnUnknownCa_AndCaPathIsRead()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);
        using var env = OnlyThese(("CONSUL_HTTP_ADDR", front.Address.ToString()));

        Assert.Equal(1, (await Cli.RunAsync("catalog", "services")).ExitCode);
        using (new EnvironmentScope(("CONSUL_HTTP_SSL_VERIFY", "false")))
        {
            var skipped = await Cli.RunAsync("catalog", "services");
            Assert.True(skipped.ExitCode == 0, skipped.Error);
        }

        using (new EnvironmentScope(("CONSUL_CAPATH", Path.Combine(_tls.Folder, "ca-only"))))
        {
            var path = await Cli.RunAsync("catalog", "services");
            Assert.True(path.ExitCode == 0, path.Error);
        }

        using (new EnvironmentScope(("CONSUL_CACERT", _tls.GarbageFile)))
        {
            var garbage = await Cli.RunAsync("catalog", "services");
            Assert.Equal(1, garbage.ExitCode);
            Assert.Contains("no PEM certificate", garbage.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ConnectEnvoy_GrpcVariables_GiveATlsBootstrapWithTheGrpcCa()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);
        using (var sidecar = await server.PutJsonAsync("/v1/agent/service/register", """{"Name":"api","Port":8080,"Connect":{"SidecarService":{}}}"""))
        {
            sidecar.EnsureSuccessStatusCode();
        }

        using var env = OnlyThese(("CONSUL_HTTP_ADDR", front.Address.ToString()), ("CONSUL_CACERT", _tls.CaFile), ("CONSUL_GRPC_ADDR", "https://127.0.0.1:8503"));
        var fallsBackToHttpCa = await Cli.RunAsync("connect", "envoy", "-bootstrap", "-sidecar-for", "api");
        Assert.True(fallsBackToHttpCa.ExitCode == 0, fallsBackToHttpCa.Error);
        HttpsClientTests.AssertTlsLocalAgent(fallsBackToHttpCa.Out, 8503, await File.ReadAllTextAsync(_tls.CaFile));

        using var grpcCa = new EnvironmentScope(("CONSUL_GRPC_CACERT", _tls.OtherCaFile), ("MESH_GRPC_ADDR", "https://127.0.0.1:9503"));
        var own = await Cli.RunAsync("connect", "envoy", "-bootstrap", "-sidecar-for", "api");
        Assert.True(own.ExitCode == 0, own.Error);
        HttpsClientTests.AssertTlsLocalAgent(own.Out, 9503, await File.ReadAllTextAsync(_tls.OtherCaFile));

        var flag = await Cli.RunAsync("connect", "envoy", "-bootstrap", "-sidecar-for", "api", "-grpc-addr", "http://127.0.0.1:8502");
        Assert.Null(EnvoyJson.Parse<Bootstrap>(flag.Out).StaticResources.Clusters.Single().TransportSocket);
    }

    /// <summary>Clears every client variable (both prefixes) and sets the given ones.</summary>
    private static EnvironmentScope OnlyThese(params (string Name, string? Value)[] settings)
        => new([.. Variables.SelectMany(v => new (string, string?)[] { ("MESH_" + v, null), ("CONSUL_" + v, null) }).Where(c => !settings.Any(s => s.Name == c.Item1)), .. settings]);
}
