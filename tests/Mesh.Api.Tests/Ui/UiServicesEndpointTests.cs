using System.Net;
using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Api.Tests.Ui;

/// <summary><c>/v1/internal/ui/services</c>: one summary per service, counted over the instances the token may read.</summary>
public sealed class UiServicesEndpointTests
{
    [Fact]
    public async Task Each_service_is_summarised_with_kind_tags_instances_and_check_states()
    {
        await using var server = await TestServer.StartAsync();
        await Register(server, """{"Name":"web","ID":"web-1","Port":80,"Tags":["a"],"Check":{"TTL":"10m","Status":"passing"}}""");
        await Register(server, """{"Name":"web","ID":"web-2","Port":81,"Tags":["a","b"],"Check":{"TTL":"10m","Status":"critical"}}""");
        await Register(server, """{"Name":"web-proxy","ID":"web-proxy-1","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"web"}}""");

        using var response = await server.Http.GetAsync("/v1/internal/ui/services");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(long.Parse(response.Headers.GetValues("X-Consul-Index").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var rows = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("Name").GetString()!);

        var web = rows["web"];
        Assert.Equal(string.Empty, web.GetProperty("Kind").GetString());
        Assert.Equal(2, web.GetProperty("InstanceCount").GetInt32());
        Assert.Equal(["a", "b"], web.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([server.NodeName], web.GetProperty("Nodes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, web.GetProperty("ChecksPassing").GetInt32()); // web-1's check and serfHealth counted for each instance
        Assert.Equal(1, web.GetProperty("ChecksCritical").GetInt32());
        Assert.Equal(0, web.GetProperty("ChecksWarning").GetInt32());
        Assert.Equal("dc1", web.GetProperty("Datacenter").GetString());
        Assert.True(rows.ContainsKey("consul"));

        // The sidecar proxy is folded into web's row (Consul's UI lists services, not their proxies).
        Assert.False(rows.ContainsKey("web-proxy"));
        Assert.True(web.GetProperty("ConnectedWithProxy").GetBoolean());
        Assert.False(rows["consul"].GetProperty("ConnectedWithProxy").GetBoolean());
    }

    [Fact]
    public async Task A_proxy_keeps_its_own_row_while_its_destination_is_not_registered()
    {
        await using var server = await TestServer.StartAsync();
        await Register(server, """{"Name":"db-sidecar-proxy","ID":"db-sidecar-proxy-1","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"db"}}""");

        var rows = await Rows(server);
        Assert.Equal("connect-proxy", rows["db-sidecar-proxy"].GetProperty("Kind").GetString());
        Assert.False(rows.ContainsKey("db"));

        await Register(server, """{"Name":"db","ID":"db-1","Port":5432}""");
        rows = await Rows(server);
        Assert.False(rows.ContainsKey("db-sidecar-proxy"));
        Assert.True(rows["db"].GetProperty("ConnectedWithProxy").GetBoolean());
        Assert.Equal(1, rows["db"].GetProperty("InstanceCount").GetInt32());
    }

    [Fact]
    public async Task With_ACLs_a_proxy_whose_destination_the_token_may_not_read_keeps_its_own_row()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var reader = await AclTestTokens.CreateAsync(server, """service "db-sidecar-proxy" { policy = "read" } node_prefix "" { policy = "read" }""");
        await Register(server, """{"Name":"db","ID":"db-1","Port":5432}""", management);
        await Register(server, """{"Name":"db-sidecar-proxy","ID":"db-sidecar-proxy-1","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"db"}}""", management);

        Assert.False((await Rows(server, management)).ContainsKey("db-sidecar-proxy"));
        var rows = await Rows(server, reader);
        Assert.Equal(["db-sidecar-proxy"], rows.Keys);
    }

    private static async Task<Dictionary<string, JsonElement>> Rows(TestServer server, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/internal/ui/services");
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("Name").GetString()!);
    }

    [Fact]
    public async Task A_blocking_query_returns_when_a_service_registers()
    {
        await using var server = await TestServer.StartAsync();
        using var first = await server.Http.GetAsync("/v1/internal/ui/services");
        var index = first.Headers.GetValues("X-Consul-Index").Single();
        var blocked = server.Http.GetAsync($"/v1/internal/ui/services?index={index}&wait=30s");
        await Register(server, """{"Name":"late","ID":"late-1","Port":80}""");
        using var answer = await blocked;
        Assert.Contains("\"late\"", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_ACLs_only_services_the_token_may_read_are_listed_and_the_response_says_so()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var reader = await AclTestTokens.CreateAsync(server, """service "web" { policy = "read" } node_prefix "" { policy = "read" }""");
        await Register(server, """{"Name":"web","ID":"web-1","Port":80}""", management);
        await Register(server, """{"Name":"secret","ID":"secret-1","Port":81}""", management);

        using var anonymous = await server.Http.GetAsync("/v1/internal/ui/services");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("[]", await anonymous.Content.ReadAsStringAsync());
        Assert.False(anonymous.Headers.Contains("X-Consul-Results-Filtered-By-ACLs")); // not said to the anonymous token, as Consul

        using var limited = new HttpRequestMessage(HttpMethod.Get, "/v1/internal/ui/services");
        limited.Headers.Add("X-Consul-Token", reader);
        using var some = await server.Http.SendAsync(limited);
        Assert.Equal("true", some.Headers.GetValues("X-Consul-Results-Filtered-By-ACLs").Single());
        var names = JsonDocument.Parse(await some.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(r => r.GetProperty("Name").GetString()).ToList();
        Assert.Equal(["web"], names);

        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/v1/internal/ui/services");
        unknown.Headers.Add("X-Consul-Token", Guid.NewGuid().ToString());
        using var refused = await server.Http.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_filter_is_refused_rather_than_ignored()
    {
        await using var server = await TestServer.StartAsync();
        using var response = await server.Http.GetAsync("/v1/internal/ui/services?filter=Name%20%3D%3D%20web");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task Register(TestServer server, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/agent/service/register") { Content = new StringContent(json) };
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
