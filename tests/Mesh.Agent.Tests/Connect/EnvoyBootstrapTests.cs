using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Envoy.Config.Bootstrap.V3;
using Mesh.Agent.Connect;
using Mesh.Agent.Tests.Cli;
using Mesh.Testing;
using Mesh.Tests.Shared;
using Mesh.Xds;

namespace Mesh.Agent.Tests.Connect;

public sealed class EnvoyBootstrapTests
{
    private static readonly EnvoyBootstrapArgs ConsulFixture = new() { ProxyId = "test-proxy", Cluster = "test" };

    [ConsulGoldenTheory]
    [InlineData("defaults", null, 8502)]
    [InlineData("token-arg", "c9a52720-bf6c-4aa6-b8bc-66881a5ade95", 8502)]
    [InlineData("grpc-addr-flag", null, 9999)]
    public void Build_ForConsulsTestFixtures_EqualsConsulsBootstrap(string golden, string? token, int grpcPort)
    {
        var ours = EnvoyBootstrap.Build(ConsulFixture with { Token = token ?? string.Empty, GrpcPort = grpcPort });
        var consul = JsonNode.Parse(File.ReadAllText(ConsulGolden(golden)));
        Assert.True(JsonNode.DeepEquals(consul, ours), $"differs from Consul's {golden} bootstrap:\n{ours.ToJsonString()}");
    }

    /// <summary>An ingress gateway's bootstrap adds Consul's <c>self_admin</c> cluster and <c>envoy_ready_listener</c> on the gateway's address.</summary>
    [ConsulGoldenFact]
    public void Build_ForConsulsIngressGatewayFixture_EqualsConsulsBootstrap()
    {
        var ours = EnvoyBootstrap.Build(new EnvoyBootstrapArgs { ProxyId = "ingress-gateway-1", Cluster = "ingress-gateway-1", ReadyHost = "127.0.0.1", ReadyPort = 8443 });
        var consul = JsonNode.Parse(File.ReadAllText(ConsulGolden("ingress-gateway")));
        Assert.True(JsonNode.DeepEquals(consul, ours), $"differs from Consul's ingress-gateway bootstrap:\n{ours.ToJsonString()}");
        Assert.Equal("envoy_ready_listener", EnvoyJson.Parse<Bootstrap>(ours.ToJsonString()).StaticResources.Listeners.Single().Name);
    }

    [Fact]
    public void Render_ParsesAsEnvoyBootstrap_AndMatchesOurGoldenFile()
    {
        var json = EnvoyBootstrap.Render(new EnvoyBootstrapArgs
        {
            ProxyId = "web-sidecar-proxy", Cluster = "web", NodeName = "node-1", Datacenter = "dc2", Token = "secret", GrpcPort = 8503,
        });

        var bootstrap = EnvoyJson.Parse<Bootstrap>(json);
        Assert.Equal("web-sidecar-proxy", bootstrap.Node.Id);
        Assert.Equal("web", bootstrap.Node.Cluster);
        Assert.Equal("local_agent", bootstrap.StaticResources.Clusters.Single().Name);
        Assert.Equal(Envoy.Config.Core.V3.ApiConfigSource.Types.ApiType.DeltaGrpc, bootstrap.DynamicResources.AdsConfig.ApiType);

        var path = OurGolden("bootstrap-sidecar.json");
        if (Environment.GetEnvironmentVariable("MESH_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, json + "\n");
        }

        Assert.Equal(File.ReadAllText(path).TrimEnd(), json.TrimEnd());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")]
    public void Build_ForATlsGrpcAddress_AddsConsulsTransportSocketOnLocalAgent_ThatParsesAsEnvoyBootstrap(string caPem)
    {
        var ours = EnvoyBootstrap.Build(ConsulFixture with { GrpcPort = 8503, GrpcTls = true, GrpcCaPem = caPem });
        JsonNode expectedContext = caPem.Length == 0
            ? new JsonObject()
            : new JsonObject { ["validation_context"] = new JsonObject { ["trusted_ca"] = new JsonObject { ["inline_string"] = caPem } } };
        var expected = new JsonObject
        {
            ["name"] = "tls",
            ["typed_config"] = new JsonObject
            {
                ["@type"] = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                ["common_tls_context"] = expectedContext,
            },
        };
        Assert.True(JsonNode.DeepEquals(expected, ours["static_resources"]!["clusters"]![0]!["transport_socket"]), ours.ToJsonString());

        var cluster = EnvoyJson.Parse<Bootstrap>(ours.ToJsonString()).StaticResources.Clusters.Single();
        var context = cluster.TransportSocket.TypedConfig.Unpack<Envoy.Extensions.TransportSockets.Tls.V3.UpstreamTlsContext>();
        Assert.Equal(caPem, context.CommonTlsContext.ValidationContext?.TrustedCa.InlineString ?? string.Empty);

        var plain = EnvoyBootstrap.Build(ConsulFixture);
        Assert.Null(plain["static_resources"]!["clusters"]![0]!["transport_socket"]);
    }

    [Fact]
    public async Task ConnectEnvoyBootstrap_ForARegisteredSidecar_PointsEnvoyAtTheServersGrpcPort()
    {
        await using var server = await TestServer.StartAsync();
        using (var register = await server.PutJsonAsync("/v1/agent/service/register", """{"Name":"web","Port":8080,"Connect":{"SidecarService":{}}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        }

        var address = server.Http.BaseAddress!.ToString();
        var result = await Cli.Cli.RunAsync("connect", "envoy", "-bootstrap", "-sidecar-for", "web", "-http-addr", address, "-token", "t1");
        Assert.Equal(0, result.ExitCode);
        var bootstrap = EnvoyJson.Parse<Bootstrap>(result.Out);
        Assert.Equal("web-sidecar-proxy", bootstrap.Node.Id);
        Assert.Equal("web", bootstrap.Node.Cluster);
        var endpoint = bootstrap.StaticResources.Clusters.Single().LoadAssignment.Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress;
        Assert.Equal((uint)server.Server.Config.GrpcPort, endpoint.PortValue);
        Assert.Equal("t1", bootstrap.DynamicResources.AdsConfig.GrpcServices.Single().InitialMetadata.Single().Value);

        var byId = await Cli.Cli.RunAsync("connect", "envoy", "-bootstrap", "-proxy-id", "web-sidecar-proxy", "-http-addr", address);
        Assert.Equal(0, byId.ExitCode);
        Assert.Equal("web", EnvoyJson.Parse<Bootstrap>(byId.Out).Node.Cluster);
    }

    [Fact]
    public async Task ConnectEnvoy_BadArguments_ExitWithAClearMessage()
    {
        await using var server = await TestServer.StartAsync();
        var address = server.Http.BaseAddress!.ToString();

        var neither = await Cli.Cli.RunAsync("connect", "envoy", "-bootstrap", "-http-addr", address);
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains("-proxy-id or -sidecar-for", neither.Error, StringComparison.Ordinal);

        var missing = await Cli.Cli.RunAsync("connect", "envoy", "-bootstrap", "-sidecar-for", "nope", "-http-addr", address);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No sidecar proxy", missing.Error, StringComparison.Ordinal);

        var badAdmin = await Cli.Cli.RunAsync("connect", "envoy", "-bootstrap", "-proxy-id", "x", "-admin-bind", "nowhere", "-http-addr", address);
        Assert.Equal(1, badAdmin.ExitCode);
    }

    private static string ConsulGolden(string name, [CallerFilePath] string source = "")
        => Path.GetFullPath(Path.Combine(RepoRoot(source), "..", "shared", "reference", "consul-golden", "bootstrap", name + ".json"));

    private static string OurGolden(string name, [CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "golden", name);

    private static string RepoRoot(string source)
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }
}
