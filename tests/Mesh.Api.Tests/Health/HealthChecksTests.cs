using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Health;

public sealed class HealthChecksTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>A node with a node-level check and two services, each with its own check.</summary>
    private async Task<(string Node, string Service)> RegisterAsync(string webStatus = "passing", string dbStatus = "critical")
    {
        var node = Unique.Name("node");
        var service = Unique.Name("web");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.8","Check":{"CheckID":"node-ok","Name":"node","Status":"passing"}}
            """);
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.8","Service":{"ID":"web-1","Service":"{{{service}}}","Port":80},
             "Check":{"CheckID":"web-check","Name":"web","Status":"{{{webStatus}}}","ServiceID":"web-1","Output":"HTTP 200"}}
            """);
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.8","Service":{"ID":"db-1","Service":"{{{service}}}-db","Port":5432},
             "Check":{"CheckID":"db-check","Name":"db","Status":"{{{dbStatus}}}","ServiceID":"db-1"}}
            """);
        return (node, service);
    }

    [Fact]
    public async Task Checks_Service_ReturnsServiceChecksOnly()
    {
        var (node, service) = await RegisterAsync();

        var checks = await _server.GetOkJsonAsync($"/v1/health/checks/{service}");

        var check = Assert.Single(checks.EnumerateArray());
        Assert.Equal("web-check", check.GetProperty("CheckID").GetString());
        Assert.Equal(node, check.GetProperty("Node").GetString());
        Assert.Equal("web-1", check.GetProperty("ServiceID").GetString());
        Assert.Equal(service, check.GetProperty("ServiceName").GetString());
        Assert.Equal("passing", check.GetProperty("Status").GetString());
        Assert.Equal("HTTP 200", check.GetProperty("Output").GetString());
    }

    [Fact]
    public async Task Checks_UnknownService_ReturnsEmptyArray()
    {
        var result = (await _server.GetAsync($"/v1/health/checks/{Unique.Name("ghost")}")).ExpectOk();

        Assert.Equal("[]", result.Body);
    }

    [Fact]
    public async Task Node_ReturnsNodeAndServiceChecks()
    {
        var (node, _) = await RegisterAsync();

        var checks = await _server.GetOkJsonAsync($"/v1/health/node/{node}");

        Assert.Equal(["db-check", "node-ok", "web-check"],
            checks.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateArray(), c => Assert.Equal(node, c.GetProperty("Node").GetString()));
    }

    [Fact]
    public async Task Node_ServerOwnNode_HasPassingSerfHealth()
    {
        var checks = await _server.GetOkJsonAsync($"/v1/health/node/{_server.NodeName}");

        var serf = checks.EnumerateArray().Single(c => c.GetProperty("CheckID").GetString() == "serfHealth");
        Assert.Equal("passing", serf.GetProperty("Status").GetString());
    }

    [Theory]
    [InlineData("any", new[] { "db-check", "node-ok", "web-check" })]
    [InlineData("passing", new[] { "node-ok", "web-check" })]
    [InlineData("critical", new[] { "db-check" })]
    [InlineData("warning", new string[0])]
    public async Task State_GivenState_ReturnsChecksInThatState(string state, string[] expected)
    {
        var (node, _) = await RegisterAsync();

        var checks = await _server.GetOkJsonAsync($"/v1/health/state/{state}");

        var ours = checks.EnumerateArray().Where(c => c.GetProperty("Node").GetString() == node)
            .Select(c => c.GetProperty("CheckID").GetString()!).Order(StringComparer.Ordinal);
        Assert.Equal(expected, ours);
        if (state != "any")
        {
            Assert.All(checks.EnumerateArray(), c => Assert.Equal(state, c.GetProperty("Status").GetString()));
        }
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("PASSING")]
    [InlineData("healthy")]
    public async Task State_InvalidState_Returns400(string state)
    {
        var result = await _server.GetAsync($"/v1/health/state/{state}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Contains(state, result.Body, StringComparison.Ordinal);
    }
}
