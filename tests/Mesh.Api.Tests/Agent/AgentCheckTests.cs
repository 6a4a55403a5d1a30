using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

public sealed class AgentCheckTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>Registers a service with a long TTL check (so it never expires during a test); returns the service name and check ID.</summary>
    private async Task<(string Service, string CheckId)> RegisterTtlServiceAsync()
    {
        var name = Unique.Name("svc");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":8080,"Check":{"TTL":"10m"}}""");
        return (name, $"service:{name}");
    }

    private async Task<JsonElement> AgentCheckAsync(string checkId)
        => (await _server.GetOkJsonAsync("/v1/agent/checks")).GetProperty(checkId);

    private async Task<JsonElement> HealthCheckAsync(string service, string checkId)
        => (await _server.GetOkJsonAsync($"/v1/health/checks/{service}")).EnumerateArray()
            .Single(c => c.GetProperty("CheckID").GetString() == checkId);

    [Fact]
    public async Task RegisterCheck_NodeLevelTtl_AppearsInAgentAndHealthNode()
    {
        var name = Unique.Name("check");

        await _server.PutOkAsync("/v1/agent/check/register", $$$"""{"Name":"{{{name}}}","TTL":"10m","Notes":"disk","Status":"warning"}""");

        var check = await AgentCheckAsync(name);
        Assert.Equal(name, check.GetProperty("Name").GetString());
        Assert.Equal("warning", check.GetProperty("Status").GetString());
        Assert.Equal("disk", check.GetProperty("Notes").GetString());
        Assert.Equal(string.Empty, check.GetProperty("ServiceID").GetString());
        var nodeChecks = await _server.GetOkJsonAsync($"/v1/health/node/{_server.NodeName}");
        Assert.Contains(name, nodeChecks.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));
    }

    [Fact]
    public async Task RegisterCheck_ForService_AttachedToServiceWithGivenId()
    {
        var (service, _) = await RegisterTtlServiceAsync();
        var checkId = Unique.Name("extra");

        await _server.PutOkAsync("/v1/agent/check/register", $$$"""{"ID":"{{{checkId}}}","Name":"extra","TTL":"10m","ServiceID":"{{{service}}}"}""");

        var check = await HealthCheckAsync(service, checkId);
        Assert.Equal("extra", check.GetProperty("Name").GetString());
        Assert.Equal(service, check.GetProperty("ServiceID").GetString());
        var row = Assert.Single((await _server.GetOkJsonAsync($"/v1/health/service/{service}")).EnumerateArray());
        Assert.Contains(checkId, row.GetProperty("Checks").EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));
    }

    [Fact]
    public async Task DeregisterCheck_Existing_RemovesIt()
    {
        var name = Unique.Name("check");
        await _server.PutOkAsync("/v1/agent/check/register", $$$"""{"Name":"{{{name}}}","TTL":"10m"}""");

        var result = await _server.PutOkAsync($"/v1/agent/check/deregister/{name}");

        Assert.Equal(string.Empty, result.Body);
        Assert.DoesNotContain(name, (await _server.GetOkJsonAsync("/v1/agent/checks")).Names());
    }

    [Theory]
    [InlineData("pass", "passing")]
    [InlineData("warn", "warning")]
    [InlineData("fail", "critical")]
    public async Task TtlEndpoint_WithNote_SetsStatusAndOutputEverywhere(string endpoint, string status)
    {
        var (service, checkId) = await RegisterTtlServiceAsync();
        var note = $"note from {endpoint}";

        var result = await _server.PutOkAsync($"/v1/agent/check/{endpoint}/{Uri.EscapeDataString(checkId)}?note={Uri.EscapeDataString(note)}");

        Assert.Equal(string.Empty, result.Body);
        var agent = await AgentCheckAsync(checkId);
        Assert.Equal(status, agent.GetProperty("Status").GetString());
        Assert.Equal(note, agent.GetProperty("Output").GetString());
        var health = await HealthCheckAsync(service, checkId);
        Assert.Equal(status, health.GetProperty("Status").GetString());
        Assert.Equal(note, health.GetProperty("Output").GetString());
    }

    [Fact]
    public async Task Pass_ThenFail_ServiceLeavesPassingResults()
    {
        var (service, checkId) = await RegisterTtlServiceAsync();

        await _server.PutOkAsync($"/v1/agent/check/pass/{checkId}");
        var whilePassing = await _server.GetOkJsonAsync($"/v1/health/service/{service}?passing");
        await _server.PutOkAsync($"/v1/agent/check/fail/{checkId}");
        var afterFail = await _server.GetOkJsonAsync($"/v1/health/service/{service}?passing");

        Assert.Equal(1, whilePassing.GetArrayLength());
        Assert.Equal(0, afterFail.GetArrayLength());
    }

    [Fact]
    public async Task Update_StatusAndOutput_Applied()
    {
        var (service, checkId) = await RegisterTtlServiceAsync();

        await _server.PutOkAsync($"/v1/agent/check/update/{checkId}", """{"Status":"warning","Output":"disk 91% full"}""");

        var health = await HealthCheckAsync(service, checkId);
        Assert.Equal("warning", health.GetProperty("Status").GetString());
        Assert.Equal("disk 91% full", health.GetProperty("Output").GetString());
    }

    [Fact]
    public async Task Pass_Repeated_SecondHeartbeatDoesNotMoveIndex()
    {
        var (service, checkId) = await RegisterTtlServiceAsync();
        await _server.PutOkAsync($"/v1/agent/check/pass/{checkId}?note=ok");
        var before = (await _server.GetAsync($"/v1/health/checks/{service}")).ExpectOk().Index;

        await _server.PutOkAsync($"/v1/agent/check/pass/{checkId}?note=ok");

        Assert.Equal(before, (await _server.GetAsync($"/v1/health/checks/{service}")).ExpectOk().Index);
        Assert.Equal("passing", (await AgentCheckAsync(checkId)).GetProperty("Status").GetString());
    }

    [Theory]
    [InlineData("pass")]
    [InlineData("warn")]
    [InlineData("fail")]
    [InlineData("update")]
    public async Task TtlEndpoint_NonTtlCheck_Returns400(string endpoint)
    {
        var name = Unique.Name("external");
        await _server.RegisterExternalCheckAsync(name);

        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, $"/v1/agent/check/{endpoint}/{name}",
            endpoint == "update" ? """{"Status":"passing"}""" : null, HttpStatusCode.BadRequest, "TTL");
    }

    [Theory]
    [InlineData("pass")]
    [InlineData("warn")]
    [InlineData("fail")]
    [InlineData("update")]
    [InlineData("deregister")]
    public async Task CheckEndpoint_UnknownCheck_Returns404(string endpoint)
    {
        var id = Unique.Name("ghost");

        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, $"/v1/agent/check/{endpoint}/{id}",
            endpoint == "update" ? """{"Status":"passing"}""" : null, HttpStatusCode.NotFound, id);
    }

    [Theory]
    [InlineData("disk/root")]
    [InlineData("with space")]
    [InlineData("pct%20literal")]
    [InlineData("colon:and+plus")]
    public async Task Pass_CheckIdNeedingEscapes_ReachesThatCheck(string suffix)
    {
        var id = $"{Unique.Name("check")}-{suffix}";
        await _server.PutOkAsync("/v1/agent/check/register", $$$"""{"ID":"{{{id}}}","Name":"odd","TTL":"10m"}""");

        await _server.PutOkAsync($"/v1/agent/check/pass/{Uri.EscapeDataString(id)}?note=reached");

        var check = await AgentCheckAsync(id);
        Assert.Equal("passing", check.GetProperty("Status").GetString());
        Assert.Equal("reached", check.GetProperty("Output").GetString());
        await _server.PutOkAsync($"/v1/agent/check/deregister/{Uri.EscapeDataString(id)}");
        Assert.DoesNotContain(id, (await _server.GetOkJsonAsync("/v1/agent/checks")).Names());
    }

    [Fact]
    public async Task Update_OutputOverLimit_TruncatedTo4096WithNotice()
    {
        var (_, checkId) = await RegisterTtlServiceAsync();
        var output = new string('o', 5000);

        await _server.PutOkAsync($"/v1/agent/check/update/{checkId}", $$$"""{"Status":"passing","Output":"{{{output}}}"}""");

        var stored = (await AgentCheckAsync(checkId)).GetProperty("Output").GetString()!;
        Assert.StartsWith(new string('o', 4096) + " ...", stored, StringComparison.Ordinal);
        Assert.Contains("4096 of 5000", stored, StringComparison.Ordinal);
    }
}
