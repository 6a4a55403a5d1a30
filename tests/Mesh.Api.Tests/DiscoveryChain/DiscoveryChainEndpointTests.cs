using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.DiscoveryChain;

/// <summary><c>/v1/discovery-chain/:service</c> on a real server: Consul's JSON shape, POST overrides, blocking reads.</summary>
public sealed class DiscoveryChainEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Get_NoEntries_DefaultChainInConsulShape()
    {
        var web = Unique.Name("web");

        var chain = (await _server.GetOkJsonAsync($"/v1/discovery-chain/{web}")).GetProperty("Chain");

        var dc = chain.GetProperty("Datacenter").GetString();
        var targetId = $"{web}.default.default.{dc}";
        Assert.Equal(web, chain.GetProperty("ServiceName").GetString());
        Assert.True(chain.GetProperty("Default").GetBoolean());
        Assert.Equal("tcp", chain.GetProperty("Protocol").GetString());
        Assert.Equal($"resolver:{targetId}", chain.GetProperty("StartNode").GetString());
        var resolver = chain.GetProperty("Nodes").GetProperty($"resolver:{targetId}");
        Assert.Equal("resolver", resolver.GetProperty("Type").GetString());
        Assert.Equal("5s", resolver.GetProperty("Resolver").GetProperty("ConnectTimeout").GetString());
        Assert.Equal(targetId, resolver.GetProperty("Resolver").GetProperty("Target").GetString());
        var target = chain.GetProperty("Targets").GetProperty(targetId);
        Assert.Equal(targetId, target.GetProperty("ID").GetString());
        Assert.Equal("5s", target.GetProperty("ConnectTimeout").GetString());
        Assert.StartsWith($"{web}.default.{dc}.internal.", target.GetProperty("SNI").GetString(), StringComparison.Ordinal);
        Assert.Equal(target.GetProperty("SNI").GetString(), target.GetProperty("Name").GetString());
        Assert.Equal("{}", target.GetProperty("MeshGateway").GetRawText());
        Assert.False(chain.TryGetProperty("CustomizationHash", out _));
    }

    [Fact]
    public async Task Get_RouterAndSplitter_RoutesWithDefinitionAndSplitsWithWeight()
    {
        var web = Unique.Name("web");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{web}}}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-resolver","Name":"{{{{web}}}}","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{}}}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-splitter","Name":"{{{{web}}}}","Splits":[{"Weight":75,"ServiceSubset":"v1"},{"Weight":25,"ServiceSubset":"v2"}]}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-router","Name":"{{{{web}}}}","Routes":[{"Match":{"HTTP":{"PathPrefix":"/v2"}},"Destination":{"ServiceSubset":"v2","RequestTimeout":"2s"}}]}""");

        var chain = (await _server.GetOkJsonAsync($"/v1/discovery-chain/{web}")).GetProperty("Chain");

        var dc = chain.GetProperty("Datacenter").GetString();
        Assert.False(chain.TryGetProperty("Default", out _));
        Assert.Equal("http", chain.GetProperty("Protocol").GetString());
        var routes = chain.GetProperty("Nodes").GetProperty($"router:{web}.default.default").GetProperty("Routes");
        Assert.Equal(2, routes.GetArrayLength());
        Assert.Equal("/v2", routes[0].GetProperty("Definition").GetProperty("Match").GetProperty("HTTP").GetProperty("PathPrefix").GetString());
        Assert.Equal("2s", routes[0].GetProperty("Definition").GetProperty("Destination").GetProperty("RequestTimeout").GetString());
        Assert.Equal($"resolver:v2.{web}.default.default.{dc}", routes[0].GetProperty("NextNode").GetString());
        Assert.Equal($"splitter:{web}.default.default", routes[1].GetProperty("NextNode").GetString());
        var splits = chain.GetProperty("Nodes").GetProperty($"splitter:{web}.default.default").GetProperty("Splits");
        Assert.Equal(75, splits[0].GetProperty("Weight").GetDouble());
        Assert.Equal("v1", splits[0].GetProperty("Definition").GetProperty("ServiceSubset").GetString());
        Assert.Equal("Service.Meta.version == v1", chain.GetProperty("Targets").GetProperty($"v1.{web}.default.default.{dc}").GetProperty("Subset").GetProperty("Filter").GetString());
    }

    [Fact]
    public async Task Post_Overrides_AppliedAndHashed()
    {
        var web = Unique.Name("web");

        var chain = (await _server.SendAsync(HttpMethod.Post, $"/v1/discovery-chain/{web}",
            """{"OverrideConnectTimeout":"7s","override_protocol":"http","OverrideMeshGateway":{"Mode":"local"}}""")).ExpectOk().Json.GetProperty("Chain");

        var dc = chain.GetProperty("Datacenter").GetString();
        var target = chain.GetProperty("Targets").GetProperty($"{web}.default.default.{dc}");
        Assert.Equal("7s", target.GetProperty("ConnectTimeout").GetString());
        Assert.Equal("local", target.GetProperty("MeshGateway").GetProperty("Mode").GetString());
        Assert.Equal("http", chain.GetProperty("Protocol").GetString());
        Assert.Matches("^[0-9a-f]{8}$", chain.GetProperty("CustomizationHash").GetString());
    }

    [Theory]
    [InlineData("""{"OverrideMeshGateway":{"Mode":"sideways"}}""", "Invalid OverrideMeshGateway.Mode parameter")]
    [InlineData("""{"OverrideConnectTimeout":"soon"}""", "Request decoding failed")]
    [InlineData("""{bad""", "Request decoding failed")]
    public async Task Post_BadOverrides_400(string body, string message)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Post, $"/v1/discovery-chain/{Unique.Name("web")}", body, HttpStatusCode.BadRequest, message);

    [Fact]
    public async Task Get_CompileDc_EvaluatesInThatDatacenter()
    {
        var web = Unique.Name("web");

        var chain = (await _server.GetOkJsonAsync($"/v1/discovery-chain/{web}?compile-dc=dc9")).GetProperty("Chain");

        Assert.Equal("dc9", chain.GetProperty("Datacenter").GetString());
        Assert.True(chain.GetProperty("Targets").TryGetProperty($"{web}.default.default.dc9", out _));
    }

    [Fact]
    public async Task Get_Blocking_WakesOnResolverWrite()
    {
        var web = Unique.Name("web");
        var first = (await _server.GetAsync($"/v1/discovery-chain/{web}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/discovery-chain/{web}?index={first.Index}&wait=30s");
        var early = await Task.WhenAny(blocked, Task.Delay(200));
        Assert.NotSame(blocked, early);

        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-resolver","Name":"{{{{web}}}}","ConnectTimeout":"9s"}""");

        var woken = (await blocked.WaitAsync(TimeSpan.FromSeconds(10))).ExpectOk();
        Assert.True(woken.Index > first.Index);
        var chain = woken.Json.GetProperty("Chain");
        Assert.Equal("9s", chain.GetProperty("Nodes").GetProperty(chain.GetProperty("StartNode").GetString()!).GetProperty("Resolver").GetProperty("ConnectTimeout").GetString());
    }

    [Fact]
    public async Task Get_VirtualTaggedAddress_ListedAsManualVirtualIp()
    {
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web, extraServiceJson: ""","TaggedAddresses":{"virtual":{"Address":"240.0.0.7","Port":80}}""");

        var chain = (await _server.GetOkJsonAsync($"/v1/discovery-chain/{web}")).GetProperty("Chain");

        Assert.Equal(["240.0.0.7"], chain.GetProperty("ManualVirtualIPs").Strings());
    }
}
