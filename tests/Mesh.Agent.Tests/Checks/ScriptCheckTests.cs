using System.Net;
using System.Text;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Agent.Cli;
using Mesh.Api.Translation;
using Mesh.Fsm.Model;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Checks;

/// <summary>Script checks (Args) on a real server: Consul's enable switches, exit codes, timeout and output capture.</summary>
public sealed class ScriptCheckTests
{
    private static string Shell(string script, string id, string interval = "200ms", string? timeout = null)
        => $$"""{"ID":"{{id}}","Name":"{{id}}","Args":["/bin/sh","-c","{{script}}"],"Interval":"{{interval}}"{{(timeout is null ? string.Empty : $",\"Timeout\":\"{timeout}\"")}}}""";

    [Fact]
    public async Task ScriptCheck_Disabled_Register400AndNothingStored()
    {
        await using var server = await TestServer.StartAsync();

        using var check = await server.PutJsonAsync("/v1/agent/check/register", Shell("exit 0", "s1"));
        Assert.Equal(HttpStatusCode.BadRequest, check.StatusCode);
        Assert.Equal(ScriptCheckGate.RemoteDisabled, await check.Content.ReadAsStringAsync());

        using var service = await server.PutJsonAsync("/v1/agent/service/register", """{"Name":"web","Port":80,"Check":{"Args":["/bin/true"],"Interval":"1s"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, service.StatusCode);
        Assert.Equal(ScriptCheckGate.RemoteDisabled, await service.Content.ReadAsStringAsync());

        Assert.Equal("missing", (await AgentChecks.ReadAsync(server, "s1")).Status);
        Assert.False(await AgentChecks.ServiceExistsAsync(server, "web"));
    }

    [Fact]
    public async Task ScriptCheck_LocalOnly_ApiRegistrationRefused()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableLocalScriptChecks = true });
        using var check = await server.PutJsonAsync("/v1/agent/check/register", Shell("exit 0", "s1"));
        Assert.Equal(HttpStatusCode.BadRequest, check.StatusCode);
        Assert.Equal(ScriptCheckGate.RemoteDisabled, await check.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ScriptCheck_ShellWithoutDocker_Is400()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableScriptChecks = true });
        using var check = await server.PutJsonAsync("/v1/agent/check/register", """{"Name":"s","Shell":"/bin/sh","Interval":"1s"}""");
        Assert.Equal(HttpStatusCode.BadRequest, check.StatusCode);
        Assert.Contains("Shell is only used by Docker checks", await check.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptCheck_ExitCodes_PassingWarningCritical()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableScriptChecks = true });
        foreach (var (script, id) in new[] { ("echo fine; exit 0", "ok"), ("echo slow >&2; exit 1", "warn"), ("echo broken; exit 7", "bad") })
        {
            using var response = await server.PutJsonAsync("/v1/agent/check/register", Shell(script, id));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("fine\n", (await AgentChecks.WaitForStatusAsync(server, "ok", HealthStatus.Passing)).Output);
        Assert.Equal("slow\n", (await AgentChecks.WaitForStatusAsync(server, "warn", HealthStatus.Warning)).Output);
        Assert.Equal("broken\n", (await AgentChecks.WaitForStatusAsync(server, "bad", HealthStatus.Critical)).Output);
    }

    [Fact]
    public async Task ScriptCheck_PastTimeout_KilledAndCritical()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableScriptChecks = true });
        using var response = await server.PutJsonAsync("/v1/agent/check/register", Shell("sleep 30", "slow", interval: "1s", timeout: "300ms"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var critical = await AgentChecks.WaitForStatusAsync(server, "slow", HealthStatus.Critical);
        Assert.Equal("Timed out (300ms) running check", critical.Output);
    }

    [Fact]
    public async Task ScriptCheck_LongOutput_KeepsTheLast4KiB()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableScriptChecks = true });
        using var response = await server.PutJsonAsync("/v1/agent/check/register", Shell("head -c 5000 /dev/zero | tr '\\\\0' x; echo END", "long"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var passing = await AgentChecks.WaitForStatusAsync(server, "long", HealthStatus.Passing);
        Assert.StartsWith("Captured 4096 of 5004 bytes\n...\n", passing.Output, StringComparison.Ordinal);
        Assert.EndsWith("xxEND\n", passing.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptCheck_CheckOutputMaxSize_LimitsTheOutput()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableScriptChecks = true, CheckOutputMaxSize = 10 });
        using var response = await server.PutJsonAsync("/v1/agent/check/register", Shell("echo 0123456789abcdef", "short"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var passing = await AgentChecks.WaitForStatusAsync(server, "short", HealthStatus.Passing);
        Assert.Equal("Captured 10 of 17 bytes\n...\n789abcdef\n", passing.Output);
    }

    [Fact]
    public async Task ScriptCheck_InServiceDefinition_RunsWithScriptArgs()
    {
        await using var server = await TestServer.StartAsync(c => c with { EnableScriptChecks = true });
        await AgentChecks.RegisterServiceAsync(server, """{"Name":"web","Port":80,"Check":{"ScriptArgs":["/bin/sh","-c","echo web up"],"Interval":"200ms"}}""");

        var passing = await AgentChecks.WaitForStatusAsync(server, "service:web", HealthStatus.Passing);
        Assert.Equal("web up\n", passing.Output);
        var checks = await server.GetJsonAsync("/v1/agent/checks");
        Assert.Equal("script", checks.GetProperty("service:web").GetProperty("Type").GetString());
        Assert.False(checks.GetProperty("service:web").GetProperty("Definition").TryGetProperty("ScriptArgs", out _)); // as Consul's HealthCheckDefinition

        var self = await server.GetJsonAsync("/v1/agent/self");
        Assert.True(self.GetProperty("DebugConfig").GetProperty("EnableRemoteScriptChecks").GetBoolean());
        Assert.Equal("1", self.GetProperty("Stats").GetProperty("agent").GetProperty("check_monitors").GetString());
    }

    [Fact]
    public async Task ScriptCheck_LocalOnly_ConfigFileServiceCheckRuns()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "web.json");
        await File.WriteAllTextAsync(file, """
            {"enable_local_script_checks": true,
             "services": [{"name": "web", "port": 80, "checks": [{"id": "web-script", "args": ["/bin/sh", "-c", "echo local; exit 1"], "interval": "200ms"}]}]}
            """);
        await using var server = await TestServer.StartAsync(c => AgentConfigFile.Apply(c, file));

        var warning = await AgentChecks.WaitForStatusAsync(server, "web-script", HealthStatus.Warning);
        Assert.Equal("local\n", warning.Output);
    }

    [Fact]
    public void ScriptCheck_ConfigFileWithoutEnable_AgentRefusesToStart()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "web.json");
        File.WriteAllText(file, """{"check": {"name": "s", "args": ["/bin/true"], "interval": "10s"}}""");
        var flags = AgentCommand.Flags();
        flags.Parse(["-dev", "-config-file", file]);
        var error = Assert.Throws<UsageException>(() => AgentCommand.Build(flags));
        Assert.Contains(ScriptCheckGate.LocalDisabled, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptCheck_AclsOn_403WithoutTokenEvenWhenDisabled_RunsWithAWriteToken()
    {
        var acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny };
        await using (var disabled = await TestServer.StartAsync(c => c with { Acl = acl }))
        {
            using var refused = await disabled.PutJsonAsync("/v1/agent/check/register", Shell("exit 0", "s1"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // the ACL check comes first, as in Consul
        }

        await using var server = await TestServer.StartAsync(c => c with { Acl = acl, EnableScriptChecks = true });
        using (var anonymous = await server.PutJsonAsync("/v1/agent/check/register", Shell("exit 0", "s1")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        }

        var token = await AclTestTokens.CreateAsync(server, "node_prefix \"\" { policy = \"write\" }\nservice_prefix \"\" { policy = \"write\" }");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/agent/check/register") { Content = new StringContent(Shell("echo with token", "s1"), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Consul-Token", token);
        using (var allowed = await server.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var node = server.NodeName;
        var check = await Eventually.ValueAsync(
            () => Task.FromResult(server.Server.Fsm.Current.FindCheck(node, "s1")), c => c is { Status: HealthStatus.Passing }, TimeSpan.FromSeconds(15), "s1 passing");
        Assert.Equal("with token\n", check!.Output);
    }
}
