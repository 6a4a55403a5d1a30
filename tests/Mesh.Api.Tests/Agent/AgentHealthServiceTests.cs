using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

/// <summary><c>/v1/agent/health/service/name|id</c>: Consul's aggregated status, codes and shapes.</summary>
public sealed class AgentHealthServiceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private async Task<string> RegisterAsync(string name, string id, string status)
    {
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"ID":"{{{id}}}","Name":"{{{name}}}","Port":8080,"Check":{"TTL":"10m","Status":"{{{status}}}"}}""");
        return id;
    }

    [Theory]
    [InlineData("passing", HttpStatusCode.OK)]
    [InlineData("warning", HttpStatusCode.TooManyRequests)]
    [InlineData("critical", HttpStatusCode.ServiceUnavailable)]
    public async Task ById_AnswersTheAggregatedStatusWithConsulsCode(string status, HttpStatusCode code)
    {
        var name = Unique.Name("hs");
        var id = await RegisterAsync(name, name + "-1", status);

        var json = (await _server.GetAsync($"/v1/agent/health/service/id/{id}")).Expect(code);
        Assert.Equal(status, json.Json.GetProperty("AggregatedStatus").GetString());
        Assert.Equal(id, json.Json.GetProperty("Service").GetProperty("ID").GetString());
        Assert.Equal(name, json.Json.GetProperty("Service").GetProperty("Service").GetString());
        Assert.Contains($"service:{id}", json.Json.GetProperty("Checks").EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));

        var text = (await _server.GetAsync($"/v1/agent/health/service/id/{id}?format=text")).Expect(code);
        Assert.Equal(status, text.Body);
        Assert.StartsWith("text/plain", text.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ByName_TheWorstInstanceDecides_AndEveryInstanceIsListed()
    {
        var name = Unique.Name("hs");
        await RegisterAsync(name, name + "-a", "passing");
        await RegisterAsync(name, name + "-b", "warning");

        var result = (await _server.GetAsync($"/v1/agent/health/service/name/{name}")).Expect(HttpStatusCode.TooManyRequests);
        var instances = result.Json.EnumerateArray().ToList();
        Assert.Equal(2, instances.Count);
        Assert.Equal(["passing", "warning"], instances.Select(i => i.GetProperty("AggregatedStatus").GetString()).Order(StringComparer.Ordinal));

        await RegisterAsync(name, name + "-c", "critical");
        var text = (await _server.GetAsync($"/v1/agent/health/service/name/{name}?format=text")).Expect(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("critical", text.Body);
    }

    [Fact]
    public async Task UnknownServiceOrId_Is404WithConsulsBodies()
    {
        var byName = (await _server.GetAsync("/v1/agent/health/service/name/no-such-service")).Expect(HttpStatusCode.NotFound);
        Assert.Equal(0, byName.Json.GetArrayLength());
        var byNameText = (await _server.GetAsync("/v1/agent/health/service/name/no-such-service?format=text")).Expect(HttpStatusCode.NotFound);
        Assert.Equal("ServiceName no-such-service Not Found", byNameText.Body);

        var byId = (await _server.GetAsync("/v1/agent/health/service/id/no-such-id")).Expect(HttpStatusCode.NotFound);
        Assert.Equal("critical", byId.Json.GetProperty("AggregatedStatus").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, byId.Json.GetProperty("Service").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, byId.Json.GetProperty("Checks").ValueKind);
        var byIdText = (await _server.GetAsync("/v1/agent/health/service/id/no-such-id?format=text")).Expect(HttpStatusCode.NotFound);
        Assert.Equal("ServiceId no-such-id not found", byIdText.Body);
    }

    [Fact]
    public async Task ServiceMaintenance_MakesTheInstanceMaintenanceAnd503()
    {
        var name = Unique.Name("hs");
        var id = await RegisterAsync(name, name + "-m", "passing");
        await _server.PutOkAsync($"/v1/agent/service/maintenance/{id}?enable=true&reason=upgrade");

        var result = (await _server.GetAsync($"/v1/agent/health/service/id/{id}")).Expect(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("maintenance", result.Json.GetProperty("AggregatedStatus").GetString());

        await _server.PutOkAsync($"/v1/agent/service/maintenance/{id}?enable=false");
        (await _server.GetAsync($"/v1/agent/health/service/id/{id}")).ExpectOk();
    }
}
