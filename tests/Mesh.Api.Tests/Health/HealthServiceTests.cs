using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Health;

public sealed class HealthServiceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>
    /// Three instances of one service: "healthy" has a passing service check, "sick" a critical one, and "node-down" a
    /// passing service check on a node whose node-level check is critical.
    /// </summary>
    private async Task<string> RegisterThreeInstancesAsync()
    {
        var service = Unique.Name("svc");
        foreach (var (node, serviceStatus, nodeStatus) in new[] { ("healthy", "passing", "passing"), ("sick", "critical", "passing"), ("node-down", "passing", "critical") })
        {
            await _server.PutOkAsync("/v1/catalog/register", $$$"""
                {"Node":"{{{service}}}-{{{node}}}","Address":"127.0.0.7",
                 "Service":{"ID":"{{{node}}}","Service":"{{{service}}}","Port":80},
                 "Checks":[{"CheckID":"svc-check","Name":"svc","Status":"{{{serviceStatus}}}","ServiceID":"{{{node}}}"},
                           {"CheckID":"node-check","Name":"node","Status":"{{{nodeStatus}}}"}]}
                """);
        }

        return service;
    }

    private static string[] Instances(JsonElement rows)
        => [.. rows.EnumerateArray().Select(r => r.GetProperty("Service").GetProperty("ID").GetString()!).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("?passing", new[] { "healthy" })]
    [InlineData("?passing=true", new[] { "healthy" })]
    [InlineData("?passing=1", new[] { "healthy" })]
    [InlineData("?passing=false", new[] { "healthy", "node-down", "sick" })]
    [InlineData("", new[] { "healthy", "node-down", "sick" })]
    public async Task Service_PassingParameter_FiltersInstancesWithAnyNonPassingCheck(string query, string[] expected)
    {
        var service = await RegisterThreeInstancesAsync();

        var rows = await _server.GetOkJsonAsync($"/v1/health/service/{service}{query}");

        Assert.Equal(expected, Instances(rows));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    [InlineData("2")]
    public async Task Service_InvalidPassingValue_Returns400(string value)
    {
        var result = await _server.GetAsync($"/v1/health/service/{Unique.Name("svc")}?passing={value}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("passing", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_NodeLevelCheckCritical_RowIncludesNodeAndServiceChecks()
    {
        var service = await RegisterThreeInstancesAsync();

        var rows = await _server.GetOkJsonAsync($"/v1/health/service/{service}");

        var row = rows.EnumerateArray().Single(r => r.GetProperty("Service").GetProperty("ID").GetString() == "node-down");
        Assert.Equal($"{service}-node-down", row.GetProperty("Node").GetProperty("Node").GetString());
        Assert.Equal("127.0.0.7", row.GetProperty("Node").GetProperty("Address").GetString());
        Assert.Equal(service, row.GetProperty("Service").GetProperty("Service").GetString());
        var checks = row.GetProperty("Checks").EnumerateArray().ToDictionary(c => c.GetProperty("CheckID").GetString()!, c => c.GetProperty("Status").GetString());
        Assert.Equal("critical", checks["node-check"]);
        Assert.Equal("passing", checks["svc-check"]);
    }

    [Fact]
    public async Task Service_TagFilter_ReturnsOnlyTaggedInstances()
    {
        var service = Unique.Name("svc");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), service, id: "blue", tags: ["blue"]);
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), service, id: "green", tags: ["green"]);

        var rows = await _server.GetOkJsonAsync($"/v1/health/service/{service}?tag=green");

        Assert.Equal(["green"], Instances(rows));
    }

    [Fact]
    public async Task Connect_SidecarAndNative_ReturnsProxyAndNativeRowsWithChecks()
    {
        var service = Unique.Name("svc");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, service, id: "app");
        await _server.RegisterCatalogServiceAsync(node, service, id: "app-native", extraServiceJson: ""","Connect":{"Native":true}""");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.2",
             "Service":{"ID":"app-proxy","Service":"{{{service}}}-sidecar-proxy","Kind":"connect-proxy","Port":21000,
                        "Proxy":{"DestinationServiceName":"{{{service}}}","DestinationServiceID":"app"}},
             "Check":{"CheckID":"proxy-alive","Name":"proxy","Status":"passing","ServiceID":"app-proxy"}}
            """);

        var rows = await _server.GetOkJsonAsync($"/v1/health/connect/{service}");

        Assert.Equal(["app-native", "app-proxy"], Instances(rows));
        var proxy = rows.EnumerateArray().Single(r => r.GetProperty("Service").GetProperty("ID").GetString() == "app-proxy");
        Assert.Equal("connect-proxy", proxy.GetProperty("Service").GetProperty("Kind").GetString());
        Assert.Equal(service, proxy.GetProperty("Service").GetProperty("Proxy").GetProperty("DestinationServiceName").GetString());
        Assert.Equal(["proxy-alive"], proxy.GetProperty("Checks").EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));
    }
}
