using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

public sealed class AgentServiceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Register_WithTtlCheck_ServiceAndCriticalTtlCheckOnServerNode()
    {
        var name = Unique.Name("web");
        var id = name + "-1";

        var result = await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"Name":"{{{name}}}","ID":"{{{id}}}","Port":8080,"Tags":["v1"],"Meta":{"team":"edge"},"Check":{"TTL":"10m","Notes":"heartbeat"}}
            """);

        Assert.Equal(string.Empty, result.Body);
        var service = (await _server.GetOkJsonAsync("/v1/agent/services")).GetProperty(id);
        Assert.Equal(name, service.GetProperty("Service").GetString());
        Assert.Equal(8080, service.GetProperty("Port").GetInt32());
        Assert.Equal(["v1"], service.GetProperty("Tags").Strings());
        Assert.Equal("edge", service.GetProperty("Meta").GetProperty("team").GetString());
        Assert.Equal("dc1", service.GetProperty("Datacenter").GetString());

        var check = (await _server.GetOkJsonAsync("/v1/agent/checks")).GetProperty($"service:{id}");
        Assert.Equal("ttl", check.GetProperty("Type").GetString());
        Assert.Equal("critical", check.GetProperty("Status").GetString());
        Assert.Equal(id, check.GetProperty("ServiceID").GetString());
        Assert.Equal(name, check.GetProperty("ServiceName").GetString());
        Assert.Equal("10m0s", check.GetProperty("Definition").GetProperty("TTL").GetString());
        Assert.Equal(_server.NodeName, check.GetProperty("Node").GetString());

        var row = Assert.Single((await _server.GetOkJsonAsync($"/v1/catalog/service/{name}")).EnumerateArray());
        Assert.Equal(_server.NodeName, row.GetProperty("Node").GetString());
    }

    [Fact]
    public async Task Register_NoId_IdDefaultsToName()
    {
        var name = Unique.Name("api");

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":7000}""");

        var service = await _server.GetOkJsonAsync($"/v1/agent/service/{name}");
        Assert.Equal(name, service.GetProperty("ID").GetString());
        Assert.Equal(7000, service.GetProperty("Port").GetInt32());
    }

    [Fact]
    public async Task Register_SeveralChecks_NumberedCheckIds()
    {
        var name = Unique.Name("multi");

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"Name":"{{{name}}}","Port":7001,"Checks":[{"TTL":"10m"},{"TTL":"10m","Status":"passing"}]}
            """);

        var checks = await _server.GetOkJsonAsync("/v1/agent/checks");
        Assert.Equal("critical", checks.GetProperty($"service:{name}:1").GetProperty("Status").GetString());
        Assert.Equal("passing", checks.GetProperty($"service:{name}:2").GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Register_SameIdAgain_ReplacesDefinition()
    {
        var name = Unique.Name("web");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":1000}""");

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":2000,"Tags":["new"]}""");

        var service = await _server.GetOkJsonAsync($"/v1/agent/service/{name}");
        Assert.Equal(2000, service.GetProperty("Port").GetInt32());
        Assert.Equal(["new"], service.GetProperty("Tags").Strings());
    }

    [Fact]
    public async Task Service_UnknownId_Returns404WithMessage()
    {
        var id = Unique.Name("ghost");

        var result = await _server.GetAsync($"/v1/agent/service/{id}");

        result.Expect(HttpStatusCode.NotFound);
        Assert.Contains(id, result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Services_ListsOnlyServicesOfServerNode()
    {
        var agentService = Unique.Name("local");
        var catalogService = Unique.Name("remote");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{agentService}}}","Port":1}""");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), catalogService);

        var services = (await _server.GetOkJsonAsync("/v1/agent/services")).Names().ToList();
        var checks = (await _server.GetOkJsonAsync("/v1/agent/checks")).EnumerateObject().ToList();

        Assert.Contains(agentService, services);
        Assert.DoesNotContain(catalogService, services);
        Assert.Contains(checks, c => c.Name == "serfHealth");
        Assert.All(checks, c => Assert.Equal(_server.NodeName, c.Value.GetProperty("Node").GetString()));
    }

    [Fact]
    public async Task Deregister_ServiceWithSidecar_RemovesServiceSidecarAndTheirChecks()
    {
        var name = Unique.Name("web");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"Name":"{{{name}}}","Port":8080,"Check":{"TTL":"10m"},"Connect":{"SidecarService":{"Port":22000} }}
            """);
        Assert.Contains($"{name}-sidecar-proxy", (await _server.GetOkJsonAsync("/v1/agent/services")).Names());

        var result = await _server.PutOkAsync($"/v1/agent/service/deregister/{name}");

        Assert.Equal(string.Empty, result.Body);
        var services = (await _server.GetOkJsonAsync("/v1/agent/services")).Names().ToList();
        Assert.DoesNotContain(name, services);
        Assert.DoesNotContain($"{name}-sidecar-proxy", services);
        var checks = (await _server.GetOkJsonAsync("/v1/agent/checks")).Names().ToList();
        Assert.DoesNotContain(checks, c => c.Contains(name, StringComparison.Ordinal));
        Assert.Empty((await _server.GetOkJsonAsync($"/v1/catalog/connect/{name}")).EnumerateArray());
    }

    [Fact]
    public async Task Register_AgainWithFewerChecks_KeepsOldChecksUnlessReplaceExistingChecks()
    {
        var name = Unique.Name("web");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"Name":"{{{name}}}","Port":1,"Checks":[{"CheckID":"{{{name}}}-a","TTL":"10m"},{"CheckID":"{{{name}}}-b","TTL":"10m"}]}
            """);
        var fewer = $$$"""{"Name":"{{{name}}}","Port":1,"Checks":[{"CheckID":"{{{name}}}-a","TTL":"10m"}]}""";

        await _server.PutOkAsync("/v1/agent/service/register", fewer);
        var kept = (await _server.GetOkJsonAsync("/v1/agent/checks")).Names().Where(n => n.StartsWith(name, StringComparison.Ordinal)).ToList();
        await _server.PutOkAsync("/v1/agent/service/register?replace-existing-checks", fewer);
        var replaced = (await _server.GetOkJsonAsync("/v1/agent/checks")).Names().Where(n => n.StartsWith(name, StringComparison.Ordinal)).ToList();

        Assert.Equal([$"{name}-a", $"{name}-b"], kept.Order(StringComparer.Ordinal));
        Assert.Equal([$"{name}-a"], replaced);
    }
}
