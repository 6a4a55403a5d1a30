using System.Net;
using System.Text.Json;
using Envoy.Config.Bootstrap.V3;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;
using Mesh.Xds;

namespace Mesh.Agent.Tests.Connect;

/// <summary>
/// <c>mesh connect envoy -gateway=... -register</c>: the gateway lands in the catalog with Consul's kind, port and
/// tagged addresses, the printed bootstrap parses as Envoy's Bootstrap, bad flag combinations exit non-zero with a
/// clear message, and with ACLs on the registration needs service:write on the gateway.
/// </summary>
public sealed class ConnectEnvoyGatewayTests
{
    [Fact]
    public async Task MeshGateway_Register_CatalogHasKindPortAndLanWanAddresses_AndBootstrapParses()
    {
        await using var server = await TestServer.StartAsync();
        var address = server.Http.BaseAddress!.ToString();

        var result = await Cli.Cli.RunAsync("connect", "envoy", "-gateway=mesh", "-register", "-service", "mgw", "-address", "127.0.0.1:18443",
            "-wan-address", "127.0.0.2:443", "-bootstrap", "-admin-bind", "127.0.0.1:19005", "-http-addr", address);

        Assert.True(result.ExitCode == 0, result.Error);
        var bootstrap = EnvoyJson.Parse<Bootstrap>(result.Out);
        Assert.Equal("mgw", bootstrap.Node.Id);
        Assert.Equal("mgw", bootstrap.Node.Cluster);
        Assert.Equal(19005u, bootstrap.Admin.Address.SocketAddress.PortValue);
        Assert.Equal("local_agent", bootstrap.StaticResources.Clusters.Single().Name);
        Assert.Empty(bootstrap.StaticResources.Listeners);

        var instance = Assert.Single((await server.GetJsonAsync("/v1/catalog/service/mgw")).EnumerateArray());
        Assert.Equal("mesh-gateway", instance.GetProperty("ServiceKind").GetString());
        Assert.Equal("mgw", instance.GetProperty("ServiceID").GetString());
        Assert.Equal(18443, instance.GetProperty("ServicePort").GetInt32());
        var tagged = instance.GetProperty("ServiceTaggedAddresses");
        Assert.Equal("127.0.0.1", tagged.GetProperty("lan").GetProperty("Address").GetString());
        Assert.Equal(18443, tagged.GetProperty("lan").GetProperty("Port").GetInt32());
        Assert.Equal("127.0.0.2", tagged.GetProperty("wan").GetProperty("Address").GetString());
        Assert.Equal(443, tagged.GetProperty("wan").GetProperty("Port").GetInt32());
        var check = (await server.GetJsonAsync("/v1/health/checks/mgw")).EnumerateArray().Single();
        Assert.Equal("mesh-gateway listening", check.GetProperty("Name").GetString());

        // Registered now: the same gateway's bootstrap without -register reads the registration.
        var again = await Cli.Cli.RunAsync("connect", "envoy", "-gateway=mesh", "-service", "mgw", "-bootstrap", "-http-addr", address);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal("mgw", EnvoyJson.Parse<Bootstrap>(again.Out).Node.Cluster);
    }

    [Fact]
    public async Task IngressGateway_Register_KindInCatalog_AndBootstrapHasConsulsReadyListenerOnItsAddress()
    {
        await using var server = await TestServer.StartAsync();
        var address = server.Http.BaseAddress!.ToString();

        var result = await Cli.Cli.RunAsync("connect", "envoy", "-gateway=ingress", "-register", "-service", "igw", "-address", "127.0.0.1:18444", "-bootstrap", "-http-addr", address);

        Assert.True(result.ExitCode == 0, result.Error);
        var bootstrap = EnvoyJson.Parse<Bootstrap>(result.Out);
        var ready = bootstrap.StaticResources.Listeners.Single();
        Assert.Equal("envoy_ready_listener", ready.Name);
        Assert.Equal(18444u, ready.Address.SocketAddress.PortValue);
        Assert.Contains(bootstrap.StaticResources.Clusters, c => c.Name == "self_admin");
        var instance = Assert.Single((await server.GetJsonAsync("/v1/catalog/service/igw")).EnumerateArray());
        Assert.Equal("ingress-gateway", instance.GetProperty("ServiceKind").GetString());
        Assert.False(instance.GetProperty("ServiceTaggedAddresses").TryGetProperty("wan", out _));
    }

    [Theory]
    [InlineData("Auto-Registration can only be used for gateways", "-register", "-proxy-id", "x")]
    [InlineData("-gateway \"egress\" is not a gateway kind", "-gateway=egress", "-register")]
    [InlineData("-sidecar-for cannot be used with -gateway", "-gateway=mesh", "-sidecar-for", "web")]
    [InlineData("-address and -wan-address are only used with -register", "-gateway=mesh", "-address", "127.0.0.1:8443")]
    [InlineData("-address \"nowhere\" must be ip:port", "-gateway=mesh", "-register", "-address", "nowhere")]
    [InlineData("the port must be a number from 1 to 65535", "-gateway=mesh", "-register", "-address", "127.0.0.1:99999")]
    [InlineData("-service, -address and -wan-address are only used with -gateway", "-proxy-id", "p", "-service", "x")]
    [InlineData("No mesh-gateway with ID \"mesh-gateway\" is registered", "-gateway=mesh")]
    public async Task BadFlagCombinations_ExitNonZero_WithAClearMessage_AndRegisterNothing(string message, params string[] flags)
    {
        await using var server = await TestServer.StartAsync();

        var result = await Cli.Cli.RunAsync(["connect", "envoy", "-bootstrap", .. flags, "-http-addr", server.Http.BaseAddress!.ToString()]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
        var services = await server.GetJsonAsync("/v1/agent/services");
        Assert.DoesNotContain(services.EnumerateObject(), s => s.Value.GetProperty("Kind").GetString() is { Length: > 0 });
    }

    [Fact]
    public async Task AclsDeny_Register_NeedsServiceWriteOnTheGateway()
    {
        await using var server = await TestServer.StartAsync(c => c with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var other = await AclTestTokens.CreateAsync(server, "service \"other\" { policy = \"write\" }");
        var gateway = await AclTestTokens.CreateAsync(server, "service \"mgw\" { policy = \"write\" }");
        var address = server.Http.BaseAddress!.ToString();
        string[] command = ["connect", "envoy", "-gateway=mesh", "-register", "-service", "mgw", "-address", "127.0.0.1:18445", "-bootstrap", "-http-addr", address];

        string[] withOther = [.. command, "-token", other];
        var denied = await Cli.Cli.RunAsync(withOther);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("Error registering service \"mgw\"", denied.Error, StringComparison.Ordinal);
        Assert.Contains("Permission denied", denied.Error, StringComparison.Ordinal);
        Assert.Null(server.Server.Fsm.Current.FindService(server.NodeName, "mgw"));

        string[] withGateway = [.. command, "-token", gateway];
        var allowed = await Cli.Cli.RunAsync(withGateway);
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        var bootstrap = EnvoyJson.Parse<Bootstrap>(allowed.Out);
        Assert.Equal(gateway, bootstrap.DynamicResources.AdsConfig.GrpcServices.Single().InitialMetadata.Single().Value);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/catalog/service/mgw");
        request.Headers.Add("X-Consul-Token", management);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var catalog = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("mesh-gateway", catalog.RootElement.EnumerateArray().Single().GetProperty("ServiceKind").GetString());
    }
}
