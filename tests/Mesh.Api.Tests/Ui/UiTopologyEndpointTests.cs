using System.Net;
using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Api.Tests.Ui;

/// <summary><c>/v1/internal/ui/service-topology/:service</c>: upstreams and downstreams with the intention decision for each.</summary>
public sealed class UiTopologyEndpointTests
{
    [Fact]
    public async Task Upstreams_and_downstreams_come_from_proxies_intentions_and_routing_with_each_decision()
    {
        await using var server = await TestServer.StartAsync();
        await Send(server, HttpMethod.Put, "/v1/agent/service/register", """{"Name":"web","ID":"web-1","Port":80}""");
        await Send(server, HttpMethod.Put, "/v1/agent/service/register",
            """{"Name":"web-sidecar-proxy","ID":"web-sidecar-proxy-1","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"web","Upstreams":[{"DestinationName":"api","LocalBindPort":9191}]}}""");
        await Send(server, HttpMethod.Put, "/v1/agent/service/register",
            """{"Name":"front-sidecar-proxy","ID":"front-sidecar-proxy-1","Kind":"connect-proxy","Port":21001,"Proxy":{"DestinationServiceName":"front","Upstreams":[{"DestinationName":"web","LocalBindPort":9192}]}}""");
        await Send(server, HttpMethod.Put, "/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"deny"}""");
        await Send(server, HttpMethod.Put, "/v1/connect/intentions/exact?source=ops&destination=web", """{"Action":"allow"}""");
        await Send(server, HttpMethod.Put, "/v1/config", """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
        await Send(server, HttpMethod.Put, "/v1/config", """{"Kind":"service-router","Name":"api","Routes":[{"Match":{"HTTP":{"PathPrefix":"/v2"}},"Destination":{"Service":"api-v2"}}]}""");
        await Send(server, HttpMethod.Put, "/v1/connect/intentions/exact?source=*&destination=api-v2", """{"Action":"deny"}""");

        var (status, body, index) = await Get(server, "/v1/internal/ui/service-topology/web");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(index > 0);
        var up = Links(body, "Upstreams");
        var down = Links(body, "Downstreams");

        Assert.Equal(["api", "api-v2", "db"], up.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("proxy-registration", up["api"].GetProperty("Source").GetString());
        Assert.True(up["api"].GetProperty("Intention").GetProperty("Allowed").GetBoolean()); // default allow (ACLs off)
        Assert.False(up["api"].GetProperty("Intention").GetProperty("HasExact").GetBoolean());
        Assert.Equal("specific-intention", up["db"].GetProperty("Source").GetString());
        Assert.False(up["db"].GetProperty("Intention").GetProperty("Allowed").GetBoolean());
        Assert.True(up["db"].GetProperty("Intention").GetProperty("HasExact").GetBoolean());
        Assert.Equal("routing-config", up["api-v2"].GetProperty("Source").GetString());
        Assert.False(up["api-v2"].GetProperty("Intention").GetProperty("Allowed").GetBoolean()); // the wildcard deny decides
        Assert.Contains("Matched L4 intention", up["api-v2"].GetProperty("Intention").GetProperty("Reason").GetString(), StringComparison.Ordinal);

        Assert.Equal(["front", "ops"], down.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("proxy-registration", down["front"].GetProperty("Source").GetString());
        Assert.Equal("specific-intention", down["ops"].GetProperty("Source").GetString());
        Assert.True(down["ops"].GetProperty("Intention").GetProperty("Allowed").GetBoolean());
        Assert.Equal("http", JsonDocument.Parse(body).RootElement.GetProperty("Protocol").GetString());
        Assert.False(JsonDocument.Parse(body).RootElement.GetProperty("FilteredByACLs").GetBoolean());

        // A blocking query returns when an intention changes the answer.
        var blocked = Get(server, $"/v1/internal/ui/service-topology/web?index={index}&wait=30s");
        await Send(server, HttpMethod.Put, "/v1/connect/intentions/exact?source=web&destination=api", """{"Action":"deny"}""");
        var (_, changed, later) = await blocked;
        Assert.True(later > index);
        var api = Links(changed, "Upstreams")["api"];
        Assert.False(api.GetProperty("Intention").GetProperty("Allowed").GetBoolean());
        Assert.True(api.GetProperty("Intention").GetProperty("HasExact").GetBoolean());
    }

    [Fact]
    public async Task A_service_with_no_links_has_empty_lists()
    {
        await using var server = await TestServer.StartAsync();
        var (status, body, _) = await Get(server, "/v1/internal/ui/service-topology/lonely");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Links(body, "Upstreams"));
        Assert.Empty(Links(body, "Downstreams"));
    }

    [Fact]
    public async Task With_ACLs_it_needs_service_read_and_leaves_out_services_the_token_may_not_read()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var webReader = await AclTestTokens.CreateAsync(server, """service "web" { policy = "read" } service "db" { policy = "read" }""");
        await Send(server, HttpMethod.Put, "/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"allow"}""", management);
        await Send(server, HttpMethod.Put, "/v1/connect/intentions/exact?source=web&destination=secret", """{"Action":"allow"}""", management);

        var (anonymous, _, _) = await Get(server, "/v1/internal/ui/service-topology/web");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous);
        var (other, _, _) = await Get(server, "/v1/internal/ui/service-topology/secret", webReader);
        Assert.Equal(HttpStatusCode.Forbidden, other);

        var (status, body, _) = await Get(server, "/v1/internal/ui/service-topology/web", webReader);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["db"], Links(body, "Upstreams").Keys);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("FilteredByACLs").GetBoolean());

        var (all, full, _) = await Get(server, "/v1/internal/ui/service-topology/web", management);
        Assert.Equal(HttpStatusCode.OK, all);
        Assert.Equal(["db", "secret"], Links(full, "Upstreams").Keys.Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, JsonElement> Links(string body, string property)
        => JsonDocument.Parse(body).RootElement.GetProperty(property).EnumerateArray().ToDictionary(l => l.GetProperty("Name").GetString()!);

    private static async Task<(HttpStatusCode Status, string Body, long Index)> Get(TestServer server, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        var index = response.Headers.TryGetValues("X-Consul-Index", out var values)
            ? long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), index);
    }

    private static async Task Send(TestServer server, HttpMethod method, string path, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json) };
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
    }
}
