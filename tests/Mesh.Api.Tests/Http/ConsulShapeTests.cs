using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Ca.Config;
using Mesh.Testing;

namespace Mesh.Api.Tests.Http;

/// <summary>
/// Item 5 of issue 17: Go's omitempty on the proxy configuration, <c>connect.ca_config.cluster_id</c> and the
/// provider's <c>test_state</c>, and the agent-cache headers (<c>X-Cache</c>, <c>Age</c>).
/// </summary>
public sealed class ConsulShapeTests
{
    private const string ClusterId = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public async Task ProxyConfig_OmitsEmptyFieldsAsConsul_UpstreamsOnlyWhenThere()
    {
        await using var server = await TestServer.StartAsync();
        var web = Unique.Name("web");
        await server.PutOkAsync("/v1/agent/service/register", """{"Name":"WEB","Port":8080,"Connect":{"SidecarService":{}}}""".Replace("WEB", web, StringComparison.Ordinal));
        var sidecar = await server.GetOkJsonAsync($"/v1/agent/service/{web}-sidecar-proxy");
        var proxy = sidecar.GetProperty("Proxy");
        Assert.False(proxy.TryGetProperty("Upstreams", out _), proxy.ToString());
        Assert.False(proxy.TryGetProperty("Mode", out _));
        Assert.False(proxy.TryGetProperty("TransparentProxy", out _));
        Assert.Equal(web, proxy.GetProperty("DestinationServiceName").GetString());
        Assert.Equal(8080, proxy.GetProperty("LocalServicePort").GetInt32());
        Assert.True(proxy.TryGetProperty("MeshGateway", out _));
        Assert.True(proxy.TryGetProperty("Expose", out _));

        var api = Unique.Name("api");
        await server.PutOkAsync("/v1/agent/service/register", """{"Name":"API","Port":9090,"Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"WEB","LocalBindPort":10000}]}}}}""".Replace("API", api, StringComparison.Ordinal).Replace("WEB", web, StringComparison.Ordinal));
        var withUpstream = await server.GetOkJsonAsync($"/v1/agent/service/{api}-sidecar-proxy");
        Assert.Equal(web, withUpstream.GetProperty("Proxy").GetProperty("Upstreams")[0].GetProperty("DestinationName").GetString());

        var typical = await server.GetOkJsonAsync($"/v1/catalog/service/{web}");
        var serviceProxy = typical[0].GetProperty("ServiceProxy");
        Assert.False(serviceProxy.TryGetProperty("Upstreams", out _));
        Assert.False(serviceProxy.TryGetProperty("DestinationServiceName", out _));
        Assert.False(serviceProxy.TryGetProperty("Config", out _));
    }

    [Fact]
    public async Task CaConfigClusterId_IsTheTrustDomain_TestStateIsEchoedAsState()
    {
        await using var server = await TestServer.StartAsync(config => config with { ConnectCaConfig = $$$"""{"cluster_id":"{{{ClusterId}}}","test_state":{"foo":"bar"}}""" });
        var roots = await server.GetOkJsonAsync("/v1/connect/ca/roots");
        Assert.Equal($"{ClusterId}.consul", roots.GetProperty("TrustDomain").GetString());
        Assert.Equal(ClusterId, roots.GetProperty("Roots")[0].GetProperty("ExternalTrustDomain").GetString());

        var configuration = await server.GetOkJsonAsync("/v1/connect/ca/configuration");
        Assert.False(configuration.TryGetProperty("ClusterID", out _)); // json:"-" in Consul
        Assert.Equal("bar", configuration.GetProperty("State").GetProperty("foo").GetString());

        var leaf = await server.GetOkJsonAsync("/v1/agent/connect/ca/leaf/web");
        Assert.StartsWith($"spiffe://{ClusterId}.consul/", leaf.GetProperty("ServiceURI").GetString(), StringComparison.Ordinal);

        // A new test_state through the API replaces the State; the cluster ID stays.
        await server.PutOkAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"LeafCertTTL":"72h","test_state":{"k":"v"}}}""");
        configuration = await server.GetOkJsonAsync("/v1/connect/ca/configuration");
        Assert.Equal("v", configuration.GetProperty("State").GetProperty("k").GetString());
        roots = await server.GetOkJsonAsync("/v1/connect/ca/roots");
        Assert.Equal($"{ClusterId}.consul", roots.GetProperty("TrustDomain").GetString());

        var refused = await server.PutAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"test_state":"nope"}}""");
        refused.Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public void CaConfigClusterId_NotAUuid_IsRefused()
    {
        var error = Assert.Throws<CaConfigException>(() => CaConfigParser.ParseAgentConfig(null, """{"cluster_id":"not-a-uuid"}"""));
        Assert.Contains("cluster_id was supplied but was not a valid UUID", error.Message, StringComparison.Ordinal);
        Assert.Null(CaConfigParser.ParseAgentConfig(null, "{}").ClusterId);
    }

    [Fact]
    public async Task AgentCache_LeafAndRootsAlways_HealthOnlyWithCached_MissThenHitWithAge()
    {
        await using var server = await TestServer.StartAsync();
        await ServerSettledAsync(server);
        var web = Unique.Name("web");
        await server.PutOkAsync("/v1/agent/service/register", $$"""{"Name":"{{web}}","Port":8080}""");

        var first = await server.GetAsync($"/v1/agent/connect/ca/leaf/{web}");
        Assert.Equal("MISS", first.ExpectOk().Header("X-Cache"));
        Assert.False(first.Headers.ContainsKey("Age"));
        var second = await server.GetAsync($"/v1/agent/connect/ca/leaf/{web}");
        Assert.Equal("HIT", second.Header("X-Cache"));
        Assert.True(int.Parse(second.Header("Age"), System.Globalization.CultureInfo.InvariantCulture) >= 0);

        Assert.Equal("MISS", (await server.GetAsync("/v1/agent/connect/ca/roots")).Header("X-Cache"));
        Assert.Equal("HIT", (await server.GetAsync("/v1/agent/connect/ca/roots")).Header("X-Cache"));
        Assert.False((await server.GetAsync("/v1/connect/ca/roots")).Headers.ContainsKey("X-Cache"));

        Assert.False((await server.GetAsync($"/v1/health/service/{web}")).Headers.ContainsKey("X-Cache"));
        Assert.Equal("MISS", (await server.GetAsync($"/v1/health/service/{web}?cached")).Header("X-Cache"));
        Assert.Equal("HIT", (await server.GetAsync($"/v1/health/service/{web}?cached")).Header("X-Cache"));

        // A change is a new index: a miss again.
        await server.PutOkAsync("/v1/agent/service/register", $$"""{"Name":"{{web}}","ID":"{{web}}-2","Port":8081}""");
        Assert.Equal("MISS", (await server.GetAsync($"/v1/health/service/{web}?cached")).Header("X-Cache"));
    }

    /// <summary>Waits for the leader's own catalog writes (the server's consul service) so they do not move indexes mid-test.</summary>
    private static async Task ServerSettledAsync(TestServer server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await server.GetOkJsonAsync("/v1/catalog/service/consul")).GetArrayLength() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
