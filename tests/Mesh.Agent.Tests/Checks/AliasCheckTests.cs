using Mesh.Fsm.Model;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Checks;

public sealed class AliasCheckTests
{
    [Fact]
    public async Task SidecarAliasCheck_FollowsParentTtlCheck()
    {
        await using var server = await TestServer.StartAsync();
        await AgentChecks.RegisterServiceAsync(server, """
            {"Name":"api","Port":8080,"Check":{"CheckID":"api-ttl","Name":"api heartbeat","TTL":"30s"},
             "Connect":{"SidecarService":{}}}
            """);
        const string alias = "service:api-sidecar-proxy:2";

        // The parent's TTL check starts critical, so the alias does too, naming the failing check.
        var critical = await AgentChecks.WaitForStatusAsync(server, alias, HealthStatus.Critical);
        Assert.StartsWith("Aliased check \"api heartbeat\" failing:", critical.Output, StringComparison.Ordinal);

        await PutAsync(server, "/v1/agent/check/pass/api-ttl");
        var passing = await AgentChecks.WaitForStatusAsync(server, alias, HealthStatus.Passing);
        Assert.Equal("All checks passing.", passing.Output);

        await PutAsync(server, "/v1/agent/check/fail/api-ttl?note=broken");
        var failing = await AgentChecks.WaitForStatusAsync(server, alias, HealthStatus.Critical);
        Assert.Equal("Aliased check \"api heartbeat\" failing: broken", failing.Output);

        await PutAsync(server, "/v1/agent/check/warn/api-ttl?note=slow");
        var warning = await AgentChecks.WaitForStatusAsync(server, alias, HealthStatus.Warning);
        Assert.Equal("Aliased check \"api heartbeat\" failing: slow", warning.Output);
    }

    [Fact]
    public async Task AliasCheck_ServiceMissingThenRegistered_CriticalThenPassing()
    {
        await using var server = await TestServer.StartAsync();
        using (var register = await server.PutJsonAsync("/v1/agent/check/register", """
            {"Name":"follows db","CheckID":"db-alias","AliasService":"db"}
            """))
        {
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        }

        var missing = await AgentChecks.WaitForStatusAsync(server, "db-alias", HealthStatus.Critical);
        Assert.Equal($"Service db could not be found on node {server.NodeName}", missing.Output);

        // A service without checks of its own is healthy; the node's passing serfHealth check is all there is.
        await AgentChecks.RegisterServiceAsync(server, """{"Name":"db","Port":5432}""");
        var passing = await AgentChecks.WaitForStatusAsync(server, "db-alias", HealthStatus.Passing);
        Assert.Equal("All checks passing.", passing.Output);
    }

    [Fact]
    public async Task NodeAlias_OnAnotherCatalogNode_FollowsThatNodesChecks()
    {
        await using var server = await TestServer.StartAsync();
        await CatalogRegisterAsync(server, HealthStatus.Passing, "fine");
        using (var register = await server.PutJsonAsync("/v1/agent/check/register", """
            {"Name":"ext alias","CheckID":"ext-alias","AliasNode":"ext"}
            """))
        {
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        }

        var passing = await AgentChecks.WaitForStatusAsync(server, "ext-alias", HealthStatus.Passing);
        Assert.Equal("All checks passing.", passing.Output);

        await CatalogRegisterAsync(server, HealthStatus.Critical, "down");
        var critical = await AgentChecks.WaitForStatusAsync(server, "ext-alias", HealthStatus.Critical);
        Assert.Equal("Aliased check \"ext-health\" failing: down", critical.Output);
    }

    private static async Task CatalogRegisterAsync(TestServer server, string status, string output)
    {
        using var response = await server.PutJsonAsync("/v1/catalog/register", $$$"""
            {"Node":"ext","Address":"127.0.0.9","Check":{"CheckID":"ext-health","Name":"ext-health","Status":"{{{status}}}","Output":"{{{output}}}"} }
            """);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task PutAsync(TestServer server, string path)
    {
        using var response = await server.Http.PutAsync(path, content: null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
