using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Filtering;

/// <summary><c>?filter=</c> on the catalog, health and agent reads of a real server.</summary>
public sealed class FilterEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>Three instances of one service on three nodes: v1, v2 and a v2 canary (critical), nodes in racks r1..r3.</summary>
    private async Task<string> RegisterVersionsAsync()
    {
        var service = Unique.Name("web");
        foreach (var (id, version, tags, status, rack) in new[]
        {
            ("a", "v1", "[\"primary\"]", "passing", "r1"),
            ("b", "v2", "[\"primary\"]", "passing", "r2"),
            ("c", "v2", "[\"canary\"]", "critical", "r3"),
        })
        {
            await _server.PutOkAsync("/v1/catalog/register", $$$"""
                {"Node":"{{{service}}}-{{{id}}}","Address":"127.0.0.8","NodeMeta":{"rack":"{{{rack}}}"},
                 "Service":{"ID":"{{{id}}}","Service":"{{{service}}}","Port":80,"Tags":{{{tags}}},"Meta":{"version":"{{{version}}}"}},
                 "Checks":[{"CheckID":"svc-{{{id}}}","Name":"svc","Status":"{{{status}}}","ServiceID":"{{{id}}}"}]}
                """);
        }

        return service;
    }

    private static string Filter(string expression) => "filter=" + Uri.EscapeDataString(expression);

    private static string[] Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];

    private static string[] HealthIds(JsonElement rows)
        => Sorted(rows.EnumerateArray().Select(r => r.GetProperty("Service").GetProperty("ID").GetString()!));

    [Theory]
    [InlineData("Service.Meta.version == v2", new[] { "b", "c" })]
    [InlineData("\"canary\" in Service.Tags", new[] { "c" })]
    [InlineData("Service.Meta.version == v2 and not \"canary\" in Service.Tags", new[] { "b" })]
    [InlineData("Checks.Status == critical", new[] { "c" })]
    [InlineData("Node.Meta.rack matches \"^r[12]$\"", new[] { "a", "b" })]
    [InlineData("Service.Meta.version == v9", new string[0])]
    public async Task HealthService_Filter_KeepsMatchingRows(string expression, string[] expected)
    {
        var service = await RegisterVersionsAsync();

        var rows = await _server.GetOkJsonAsync($"/v1/health/service/{service}?{Filter(expression)}");

        Assert.Equal(expected, HealthIds(rows));
    }

    [Fact]
    public async Task HealthService_FilterWithPassing_AppliesBoth()
    {
        var service = await RegisterVersionsAsync();

        var rows = await _server.GetOkJsonAsync($"/v1/health/service/{service}?passing&{Filter("Service.Meta.version == v2")}");

        Assert.Equal(["b"], HealthIds(rows));
    }

    [Fact]
    public async Task HealthService_BlockingWithFilter_WakesOnAnyChangeAndKeepsFiltering()
    {
        var service = await RegisterVersionsAsync();
        var first = (await _server.GetAsync($"/v1/health/service/{service}?{Filter("Service.Meta.version == v2")}")).ExpectOk();

        var blocked = _server.GetAsync($"/v1/health/service/{service}?index={first.Index}&wait=20s&{Filter("Service.Meta.version == v2")}");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{service}}}-d","Address":"127.0.0.8","Service":{"ID":"d","Service":"{{{service}}}","Port":80,"Meta":{"version":"v3"} } }
            """);
        var second = (await blocked).ExpectOk();

        Assert.True(second.Index > first.Index, $"index {second.Index} should pass {first.Index}");
        Assert.Equal(["b", "c"], HealthIds(second.Json));
    }

    [Fact]
    public async Task HealthConnect_Filter_AppliesToProxyRows()
    {
        var service = Unique.Name("api");
        foreach (var zone in new[] { "east", "west" })
        {
            await _server.PutOkAsync("/v1/catalog/register", $$$"""
                {"Node":"{{{service}}}-{{{zone}}}","Address":"127.0.0.9",
                 "Service":{"Kind":"connect-proxy","ID":"{{{zone}}}-proxy","Service":"{{{service}}}-sidecar-proxy","Port":21000,"Meta":{"zone":"{{{zone}}}"},
                            "Proxy":{"DestinationServiceName":"{{{service}}}","DestinationServiceID":"{{{zone}}}"} } }
                """);
        }

        var rows = await _server.GetOkJsonAsync($"/v1/health/connect/{service}?{Filter("Service.Meta.zone == west")}");

        Assert.Equal(["west-proxy"], HealthIds(rows));
    }

    [Fact]
    public async Task CatalogService_Filter_UsesServiceNodeFieldNames()
    {
        var service = await RegisterVersionsAsync();

        var rows = await _server.GetOkJsonAsync($"/v1/catalog/service/{service}?{Filter("ServiceMeta.version == v2 and NodeMeta.rack != r3")}");

        Assert.Equal(["b"], Sorted(rows.EnumerateArray().Select(r => r.GetProperty("ServiceID").GetString()!)));
    }

    [Fact]
    public async Task CatalogServices_Filter_AggregatesOnlyMatchingInstances()
    {
        var service = await RegisterVersionsAsync();

        var services = await _server.GetOkJsonAsync($"/v1/catalog/services?{Filter($"ServiceName == \"{service}\" and ServiceMeta.version == v2")}");

        Assert.Equal([service], services.Names());
        Assert.Equal(["canary", "primary"], Sorted(services.GetProperty(service).Strings()));
    }

    [Fact]
    public async Task CatalogNodes_Filter_MatchesNodeFields()
    {
        var service = await RegisterVersionsAsync();

        var nodes = await _server.GetOkJsonAsync($"/v1/catalog/nodes?{Filter($"Meta.rack == r2 and Node contains \"{service}\"")}");

        Assert.Equal([$"{service}-b"], nodes.EnumerateArray().Select(n => n.GetProperty("Node").GetString()!));
    }

    [Fact]
    public async Task CatalogNodeServices_Filter_AppliesToTheNodesServices()
    {
        var node = Unique.Name("node");
        foreach (var id in new[] { "one", "two" })
        {
            await _server.RegisterCatalogServiceAsync(node, $"{node}-{id}", id: id, tags: [id]);
        }

        var list = await _server.GetOkJsonAsync($"/v1/catalog/node-services/{node}?{Filter("two in Tags")}");
        var map = await _server.GetOkJsonAsync($"/v1/catalog/node/{node}?{Filter("ID == one")}");

        Assert.Equal(node, list.GetProperty("Node").GetProperty("Node").GetString());
        Assert.Equal(["two"], list.GetProperty("Services").EnumerateArray().Select(s => s.GetProperty("ID").GetString()!));
        Assert.Equal(["one"], map.GetProperty("Services").Names());
    }

    [Fact]
    public async Task HealthChecksAndState_Filter_ApplyToEachCheck()
    {
        var service = await RegisterVersionsAsync();

        var checks = await _server.GetOkJsonAsync($"/v1/health/checks/{service}?{Filter("Status == critical")}");
        var state = await _server.GetOkJsonAsync($"/v1/health/state/any?{Filter($"ServiceName == \"{service}\" and ServiceID != a")}");
        var node = await _server.GetOkJsonAsync($"/v1/health/node/{service}-a?{Filter("Status != passing")}");

        Assert.Equal(["svc-c"], checks.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()!));
        Assert.Equal(["svc-b", "svc-c"], Sorted(state.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()!)));
        Assert.Equal(0, node.GetArrayLength());
    }

    [Fact]
    public async Task AgentServicesAndChecks_Filter_ApplyToTheMapValues()
    {
        var name = Unique.Name("agent-svc");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"ID":"{{{name}}}","Name":"{{{name}}}","Port":9000,"Meta":{"team":"blue"},"Check":{"CheckID":"{{{name}}}-ttl","TTL":"30s"}}
            """);

        var services = await _server.GetOkJsonAsync($"/v1/agent/services?{Filter($"Meta.team == blue and Service == \"{name}\"")}");
        var none = await _server.GetOkJsonAsync($"/v1/agent/services?{Filter($"Meta.team == red and Service == \"{name}\"")}");
        var checks = await _server.GetOkJsonAsync($"/v1/agent/checks?{Filter($"ServiceID == \"{name}\"")}");

        Assert.Equal([name], services.Names());
        Assert.Empty(none.Names());
        Assert.Equal([$"{name}-ttl"], checks.Names());
    }

    [Fact]
    public async Task IntentionList_Filter_MatchesIntentionFields()
    {
        var destination = Unique.Name("db");
        await _server.PutOkAsync($"/v1/connect/intentions/exact?source=web&destination={destination}", """{"Action":"allow"}""");
        await _server.PutOkAsync($"/v1/connect/intentions/exact?source=api&destination={destination}", """{"Action":"deny"}""");

        var rows = await _server.GetOkJsonAsync($"/v1/connect/intentions?{Filter($"DestinationName == \"{destination}\" and Action == deny")}");

        Assert.Equal(["api"], rows.EnumerateArray().Select(i => i.GetProperty("SourceName").GetString()!));
    }

    [Fact]
    public async Task EmptyFilter_IsNoFilter()
    {
        var service = await RegisterVersionsAsync();

        var rows = await _server.GetOkJsonAsync($"/v1/health/service/{service}?filter=");

        Assert.Equal(["a", "b", "c"], HealthIds(rows));
    }

    [Theory]
    [InlineData("/v1/health/service/x")]
    [InlineData("/v1/catalog/nodes")]
    [InlineData("/v1/catalog/services")]
    [InlineData("/v1/agent/services")]
    public async Task BadSyntax_Returns400WithTheParserMessage(string path)
    {
        var result = await _server.GetAsync($"{path}?{Filter("Service.Meta.version = v2")}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.StartsWith("Failed to create boolean expression evaluator: 1:22 (21): no match found", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSyntax_LeavesStateUnchanged()
    {
        var before = _server.Digest();

        var result = await _server.GetAsync($"/v1/catalog/service/x?{Filter("(Service.Port == 1")}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("Unmatched parentheses", result.Body, StringComparison.Ordinal);
        Assert.Equal(before, _server.Digest());
    }

    [Fact]
    public async Task EndpointWithoutFilterSupport_RejectsFilter()
    {
        var result = await _server.GetAsync($"/v1/connect/ca/roots?{Filter("Active == true")}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("?filter is not supported on this endpoint", result.Body, StringComparison.Ordinal);
    }
    [Fact]
    public async Task ConfigList_Filter_KeepsMatchingEntries()
    {
        var http = Unique.Name("fhttp");
        var grpc = Unique.Name("fgrpc");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{http}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{grpc}}","Protocol":"grpc"}""");

        var entries = await _server.GetOkJsonAsync("/v1/config/service-defaults?" + Filter($"Protocol == grpc and Name == \"{grpc}\""));

        Assert.Equal([grpc], entries.EnumerateArray().Select(e => e.GetProperty("Name").GetString()!).ToArray());
    }

    [Fact]
    public async Task ConfigList_BadFilter_Returns400()
    {
        using var response = await _server.Http.GetAsync("/v1/config/service-defaults?" + Filter("Protocol =="));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
