using System.Net;
using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Agent.Tests.Checks;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Hosting;

/// <summary>
/// Services and checks defined in config files: registered at start, and added, updated and removed by
/// <c>PUT /v1/agent/reload</c>, while services and checks registered through the HTTP API stay.
/// </summary>
public sealed class ConfigFileReloadTests
{
    [Fact]
    public async Task Reload_AddsUpdatesAndRemovesConfigDefinitions_LeavesApiRegisteredOnes()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "services.json");
        await File.WriteAllTextAsync(file, """
            {"services": [{"name": "web", "port": 80, "tags": ["v1"], "meta": {"team_name": "a"}}, {"name": "old", "port": 81}],
             "checks": [{"id": "disk", "name": "disk", "ttl": "30s"}]}
            """);
        AgentConfig? initial = null;
        await using var server = await TestServer.StartAsync(c => AgentConfigFile.Apply(initial = c, file));
        server.Server.ReloadSource = () => AgentConfigFile.Apply(initial!, file);

        await Eventually.ValueAsync(() => AgentChecks.ServiceExistsAsync(server, "old"), found => found, TimeSpan.FromSeconds(15), "config services registered");
        var web = (await server.GetJsonAsync("/v1/agent/services")).GetProperty("web");
        Assert.Equal("a", web.GetProperty("Meta").GetProperty("team_name").GetString()); // user keys keep their underscores
        Assert.NotEqual("missing", (await AgentChecks.ReadAsync(server, "disk")).Status);

        await AgentChecks.RegisterServiceAsync(server, """{"Name":"api-svc","Port":90}""");
        using (var check = await server.PutJsonAsync("/v1/agent/check/register", """{"Name":"api-ttl","TTL":"30s"}"""))
        {
            Assert.True(check.IsSuccessStatusCode, await check.Content.ReadAsStringAsync());
        }

        await File.WriteAllTextAsync(file, """
            {"services": [{"name": "web", "port": 8080, "tags": ["v2"]}, {"name": "db", "port": 5432}],
             "checks": [{"id": "mem", "name": "mem", "ttl": "30s"}]}
            """);
        using (var reload = await server.PutJsonAsync("/v1/agent/reload", string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }

        var services = await server.GetJsonAsync("/v1/agent/services");
        Assert.Equal(8080, services.GetProperty("web").GetProperty("Port").GetInt32());
        Assert.Equal(["v2"], services.GetProperty("web").GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.True(services.TryGetProperty("db", out _));
        Assert.False(services.TryGetProperty("old", out _));
        Assert.True(services.TryGetProperty("api-svc", out _));

        var checks = await server.GetJsonAsync("/v1/agent/checks");
        Assert.False(checks.TryGetProperty("disk", out _));
        Assert.True(checks.TryGetProperty("mem", out _));
        Assert.True(checks.TryGetProperty("api-ttl", out _));
    }

    [Fact]
    public async Task Reload_BadDefinition_400AndNothingChanges()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "services.json");
        await File.WriteAllTextAsync(file, """{"service": {"name": "web", "port": 80}}""");
        AgentConfig? initial = null;
        await using var server = await TestServer.StartAsync(c => AgentConfigFile.Apply(initial = c, file));
        server.Server.ReloadSource = () =>
        {
            var config = AgentConfigFile.Apply(initial!, file);
            ConfigFileRegistrations.Validate(config);
            return config;
        };
        await Eventually.ValueAsync(() => AgentChecks.ServiceExistsAsync(server, "web"), found => found, TimeSpan.FromSeconds(15), "web registered");
        var before = (await server.GetJsonAsync("/v1/agent/services")).GetRawText();

        // A script check without enable_*_script_checks: refused, and web stays as it was.
        await File.WriteAllTextAsync(file, """{"service": {"name": "web", "port": 81, "check": {"args": ["/bin/true"], "interval": "10s"}}}""");
        using var reload = await server.PutJsonAsync("/v1/agent/reload", string.Empty);
        Assert.Equal(HttpStatusCode.BadRequest, reload.StatusCode);
        Assert.Contains("Scripts are disabled on this agent", await reload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await server.GetJsonAsync("/v1/agent/services")).GetRawText());
    }

    [Fact]
    public async Task Restart_ServiceRemovedFromConfig_IsDeregistered()
    {
        using var data = new TempDirectory();
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "services.json");
        await File.WriteAllTextAsync(file, """{"services": [{"name": "web", "port": 80}, {"name": "gone", "port": 81}]}""");
        string node;
        int serverPort;
        await using (var first = await TestServer.StartAsync(c => AgentConfigFile.Apply(c, file), dataDir: data.Path))
        {
            (node, serverPort) = (first.Server.Config.NodeName, first.Server.Config.ServerPort);
            await Eventually.ValueAsync(() => AgentChecks.ServiceExistsAsync(first, "gone"), found => found, TimeSpan.FromSeconds(15), "gone registered");
        }

        await File.WriteAllTextAsync(file, """{"services": [{"name": "web", "port": 80}]}""");
        // The same node on the same Raft address, so the restarted single server elects itself again.
        await using var second = await TestServer.StartAsync(c => AgentConfigFile.Apply(c with { NodeName = node, ServerPort = serverPort }, file), dataDir: data.Path);
        await Eventually.ValueAsync(() => AgentChecks.ServiceExistsAsync(second, "gone"), found => !found, TimeSpan.FromSeconds(15), "gone deregistered");
        Assert.True(await AgentChecks.ServiceExistsAsync(second, "web"));
    }
}
