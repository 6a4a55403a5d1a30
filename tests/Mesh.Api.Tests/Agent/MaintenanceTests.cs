using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

/// <summary><c>PUT /v1/agent/maintenance</c> and <c>/v1/agent/service/maintenance/:id</c>: Consul's maintenance checks.</summary>
public sealed class MaintenanceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private async Task<JsonElement?> AgentCheckAsync(string checkId)
        => (await _server.GetOkJsonAsync("/v1/agent/checks")).TryGetProperty(checkId, out var check) ? check : null;

    [Fact]
    public async Task NodeMaintenance_AddsAndRemovesTheCriticalCheck_AsConsul()
    {
        try
        {
            await _server.PutOkAsync("/v1/agent/maintenance?enable=true&reason=kernel%20upgrade");
            var check = await AgentCheckAsync("_node_maintenance") ?? throw new InvalidOperationException("no maintenance check");
            Assert.Equal("Node Maintenance Mode", check.GetProperty("Name").GetString());
            Assert.Equal("kernel upgrade", check.GetProperty("Notes").GetString());
            Assert.Equal("critical", check.GetProperty("Status").GetString());
            Assert.Equal("maintenance", check.GetProperty("Type").GetString());

            // Enabling again keeps the first reason, as Consul does.
            await _server.PutOkAsync("/v1/agent/maintenance?enable=true&reason=other");
            Assert.Equal("kernel upgrade", (await AgentCheckAsync("_node_maintenance"))!.Value.GetProperty("Notes").GetString());

            var health = await _server.GetOkJsonAsync($"/v1/health/node/{_server.NodeName}");
            Assert.Contains("_node_maintenance", health.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));
        }
        finally
        {
            await _server.PutOkAsync("/v1/agent/maintenance?enable=false");
        }

        Assert.Null(await AgentCheckAsync("_node_maintenance"));
        await _server.PutOkAsync("/v1/agent/maintenance?enable=false"); // disabling twice is fine
    }

    [Fact]
    public async Task NodeMaintenance_WithoutReason_UsesConsulsDefaultNote()
    {
        try
        {
            await _server.PutOkAsync("/v1/agent/maintenance?enable=1");
            Assert.Equal(
                "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.",
                (await AgentCheckAsync("_node_maintenance"))!.Value.GetProperty("Notes").GetString());
        }
        finally
        {
            await _server.PutOkAsync("/v1/agent/maintenance?enable=0");
        }
    }

    [Fact]
    public async Task ServiceMaintenance_AddsTheServiceCheck()
    {
        var name = Unique.Name("mw");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"ID":"{{{name}}}","Name":"{{{name}}}","Port":80}""");
        await _server.PutOkAsync($"/v1/agent/service/maintenance/{name}?enable=true");

        var check = await AgentCheckAsync($"_service_maintenance:{name}") ?? throw new InvalidOperationException("no maintenance check");
        Assert.Equal("Service Maintenance Mode", check.GetProperty("Name").GetString());
        Assert.Equal("Maintenance mode is enabled for this service, but no reason was provided. This is a default message.", check.GetProperty("Notes").GetString());
        Assert.Equal(name, check.GetProperty("ServiceID").GetString());
        Assert.Equal(name, check.GetProperty("ServiceName").GetString());
        Assert.Equal("critical", check.GetProperty("Status").GetString());

        var passing = await _server.GetOkJsonAsync($"/v1/health/service/{name}?passing");
        Assert.Equal(0, passing.GetArrayLength());

        await _server.PutOkAsync($"/v1/agent/service/maintenance/{name}?enable=false");
        Assert.Null(await AgentCheckAsync($"_service_maintenance:{name}"));
    }

    [Theory]
    [InlineData("/v1/agent/maintenance", "Missing value for enable")]
    [InlineData("/v1/agent/maintenance?enable=yes", "Invalid value for enable: \"yes\"")]
    public async Task BadEnable_Is400AndChangesNothing(string path, string message)
    {
        var before = _server.Digest();
        var result = (await _server.PutAsync(path)).Expect(HttpStatusCode.BadRequest);
        Assert.Contains(message, result.Body, StringComparison.Ordinal);
        Assert.Equal(before, _server.Digest());
    }

    [Fact]
    public async Task UnknownService_Is404()
    {
        var result = (await _server.PutAsync("/v1/agent/service/maintenance/no-such-service?enable=true")).Expect(HttpStatusCode.NotFound);
        Assert.Contains("Unknown service ID \"no-such-service\"", result.Body, StringComparison.Ordinal);
    }
}
