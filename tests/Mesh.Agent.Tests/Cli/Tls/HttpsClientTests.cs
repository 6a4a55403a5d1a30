using System.Text.Json.Nodes;
using Envoy.Config.Bootstrap.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.Testing;
using Mesh.Xds;

namespace Mesh.Agent.Tests.Cli.Tls;

/// <summary>
/// The CLI against a real HTTPS endpoint (Kestrel with the agent CA's server certificate, in front of a real Mesh test
/// server): real TLS handshakes, client-certificate authentication, a wrong CA refused, and <c>connect envoy</c>'s TLS
/// bootstrap. Flags only here; the environment variables are in <see cref="HttpsClientEnvironmentTests"/>.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class HttpsClientTests : IClassFixture<TlsMaterialFixture>
{
    private readonly TlsMaterial _tls;

    public HttpsClientTests(TlsMaterialFixture fixture) => _tls = fixture.Material;

    [Fact]
    public async Task Commands_OverHttpsWithAClientCertificate_Work_AndTheServerSawTheCliCertificate()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: true);
        string[] tls = ["-http-addr", front.Address.ToString(), "-ca-file", _tls.CaFile, "-client-cert", _tls.CliCertFile, "-client-key", _tls.CliKeyFile];

        var register = await Cli.RunAsync(["services", "register", "-name=over-tls", .. tls]);
        Assert.True(register.ExitCode == 0, register.Error);
        var list = await Cli.RunAsync(["catalog", "services", .. tls]);
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("over-tls", Cli.Lines(list.Out));
        Assert.Contains("CN=cli.dc1.consul", front.ClientSubjects);
    }

    [Fact]
    public async Task WithoutAClientCertificate_OnAVerifyIncomingEndpoint_FailsClearly()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: true);

        var result = await Cli.RunAsync("catalog", "services", "-http-addr", front.Address.ToString(), "-ca-file", _tls.CaFile);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error connecting to Mesh at https://127.0.0.1", result.Error, StringComparison.Ordinal);
        Assert.Contains("-client-cert", result.Error, StringComparison.Ordinal);

        var foreign = await Cli.RunAsync("catalog", "services", "-http-addr", front.Address.ToString(), "-ca-file", _tls.CaFile,
            "-client-cert", _tls.OtherCliCertFile, "-client-key", _tls.OtherCliKeyFile);
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("Error connecting to Mesh", foreign.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerCertificateFromAnotherCa_IsRefusedWithAClearMessage()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);

        var result = await Cli.RunAsync("catalog", "services", "-http-addr", front.Address.ToString(), "-ca-file", _tls.OtherCaFile);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("x509: certificate signed by unknown authority", result.Error, StringComparison.Ordinal);

        // No CA at all: the system store does not know the agent CA either.
        var noCa = await Cli.RunAsync("catalog", "services", "-http-addr", front.Address.ToString());
        Assert.Equal(1, noCa.ExitCode);
        Assert.Contains("-ca-file", noCa.Error, StringComparison.Ordinal);

        var ok = await Cli.RunAsync("catalog", "services", "-http-addr", front.Address.ToString(), "-ca-path", Path.GetDirectoryName(_tls.CaFile) + "/ca-only");
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task TlsServerName_ReplacesTheDialledHostInVerification()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);
        var address = front.Address.ToString();

        var wrong = await Cli.RunAsync("catalog", "services", "-http-addr", address, "-ca-file", _tls.CaFile, "-tls-server-name", "server.dc2.consul");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("x509: certificate is not valid for \"server.dc2.consul\"", wrong.Error, StringComparison.Ordinal);

        var right = await Cli.RunAsync("catalog", "services", "-http-addr", address, "-ca-file", _tls.CaFile, "-tls-server-name", "server.dc1.consul:8501");
        Assert.True(right.ExitCode == 0, right.Error);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("garbage")]
    public async Task AMissingOrGarbageCaFile_IsAClearErrorAndExit1(string which)
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false);
        var file = which == "missing" ? Path.Combine(_tls.Folder, "no-such-ca.pem") : _tls.GarbageFile;

        var result = await Cli.RunAsync("catalog", "services", "-http-addr", front.Address.ToString(), "-ca-file", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Error loading CA file {file}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertWithoutKey_IsAUsageError()
    {
        var result = await Cli.RunAsync("catalog", "services", "-http-addr", "https://127.0.0.1:1", "-client-cert", _tls.CliCertFile);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("-client-cert and -client-key", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectEnvoy_OverHttps_WithATlsGrpcAddress_WritesConsulsTransportSocket_ThatParsesAsEnvoyBootstrap()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: true);
        using (var sidecar = await server.PutJsonAsync("/v1/agent/service/register", """{"Name":"api","Port":8080,"Connect":{"SidecarService":{}}}"""))
        {
            sidecar.EnsureSuccessStatusCode();
        }

        string[] tls = ["-http-addr", front.Address.ToString(), "-ca-file", _tls.CaFile, "-client-cert", _tls.CliCertFile, "-client-key", _tls.CliKeyFile];
        var result = await Cli.RunAsync(["connect", "envoy", "-bootstrap", "-sidecar-for", "api", "-grpc-addr", "https://127.0.0.1:8503", .. tls]);
        Assert.True(result.ExitCode == 0, result.Error);
        var caPem = await File.ReadAllTextAsync(_tls.CaFile);
        AssertTlsLocalAgent(result.Out, 8503, caPem);

        // Consul's exact JSON shape, as tls-facts.md gives it.
        var cluster = JsonNode.Parse(result.Out)!["static_resources"]!["clusters"]![0]!;
        var expected = new JsonObject
        {
            ["name"] = "tls",
            ["typed_config"] = new JsonObject
            {
                ["@type"] = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                ["common_tls_context"] = new JsonObject
                {
                    ["validation_context"] = new JsonObject { ["trusted_ca"] = new JsonObject { ["inline_string"] = caPem } },
                },
            },
        };
        Assert.True(JsonNode.DeepEquals(expected, cluster["transport_socket"]), cluster["transport_socket"]?.ToJsonString());

        // A bare address with -grpc-ca-file is TLS too, and that CA wins over -ca-file.
        var bare = await Cli.RunAsync(["connect", "envoy", "-bootstrap", "-sidecar-for", "api", "-grpc-addr", "127.0.0.1:9503", "-grpc-ca-file", _tls.OtherCaFile, .. tls]);
        Assert.True(bare.ExitCode == 0, bare.Error);
        AssertTlsLocalAgent(bare.Out, 9503, await File.ReadAllTextAsync(_tls.OtherCaFile));

        // http:// stays plaintext.
        var plain = await Cli.RunAsync(["connect", "envoy", "-bootstrap", "-sidecar-for", "api", "-grpc-addr", "http://127.0.0.1:8502", .. tls]);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Null(EnvoyJson.Parse<Bootstrap>(plain.Out).StaticResources.Clusters.Single().TransportSocket);

        var garbage = await Cli.RunAsync(["connect", "envoy", "-bootstrap", "-sidecar-for", "api", "-grpc-addr", "https://127.0.0.1:8503", "-grpc-ca-file", _tls.GarbageFile, .. tls]);
        Assert.Equal(1, garbage.ExitCode);
        Assert.Contains($"Error loading gRPC CA file {_tls.GarbageFile}: no PEM certificate in it", garbage.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectEnvoy_WithoutGrpcAddr_PicksTheAgentsXdsTlsPort()
    {
        await using var server = await TestServer.StartAsync();
        await using var front = await HttpsFront.StartAsync(server.Http.BaseAddress!, _tls, requireClientCertificate: false, xdsTlsPort: 18503);
        using (var sidecar = await server.PutJsonAsync("/v1/agent/service/register", """{"Name":"api","Port":8080,"Connect":{"SidecarService":{}}}"""))
        {
            sidecar.EnsureSuccessStatusCode();
        }

        var result = await Cli.RunAsync("connect", "envoy", "-bootstrap", "-sidecar-for", "api", "-http-addr", front.Address.ToString(), "-ca-file", _tls.CaFile);
        Assert.True(result.ExitCode == 0, result.Error);
        AssertTlsLocalAgent(result.Out, 18503, await File.ReadAllTextAsync(_tls.CaFile));
    }

    internal static void AssertTlsLocalAgent(string json, int port, string caPem)
    {
        var cluster = EnvoyJson.Parse<Bootstrap>(json).StaticResources.Clusters.Single();
        Assert.Equal("local_agent", cluster.Name);
        Assert.Equal((uint)port, cluster.LoadAssignment.Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress.PortValue);
        Assert.Equal("tls", cluster.TransportSocket.Name);
        var context = cluster.TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();
        Assert.Equal(caPem, context.CommonTlsContext.ValidationContext.TrustedCa.InlineString);
        Assert.Empty(context.Sni);
        Assert.Empty(context.CommonTlsContext.TlsCertificates);
    }
}

/// <summary>One set of certificates for the class (EC key generation is cheap, the folder is shared).</summary>
public sealed class TlsMaterialFixture : IDisposable
{
    public TlsMaterialFixture()
    {
        Material = new TlsMaterial();
        var caOnly = Directory.CreateDirectory(Path.Combine(Material.Folder, "ca-only"));
        File.Copy(Material.CaFile, Path.Combine(caOnly.FullName, "ca.pem"));
    }

    public TlsMaterial Material { get; }

    public void Dispose() => Material.Dispose();
}
