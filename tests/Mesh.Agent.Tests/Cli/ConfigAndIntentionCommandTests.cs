using System.Text.Json;
using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>One real server for the <c>mesh config</c> and <c>mesh intention</c> command tests (each uses its own names).</summary>
public sealed class ConfigCliServer : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("not started");

    public string Address => Server.Http.BaseAddress!.ToString();

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary><c>mesh config write|read|list|delete</c> and <c>mesh intention create|get|list|check|delete</c> against a real server.</summary>
public sealed class ConfigAndIntentionCommandTests(ConfigCliServer fixture) : IClassFixture<ConfigCliServer>
{
    private readonly TestServer _server = fixture.Server;
    private readonly string _addr = fixture.Address;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static async Task<string> WriteFileAsync(TempDirectory dir, string json)
    {
        var path = Path.Combine(dir.Path, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    [Fact]
    public async Task ConfigWrite_ReadListDelete_RoundTrip()
    {
        using var dir = new TempDirectory();
        var name = Unique("web");
        var file = await WriteFileAsync(dir, $$"""{"Kind":"service-defaults","Name":"{{name}}","Protocol":"http"}""");

        var written = await Cli.RunAsync("config", "write", "-http-addr", _addr, file);
        Assert.Equal(0, written.ExitCode);
        Assert.Equal($"Config entry written: service-defaults/{name}", written.Out.Trim());

        var read = await Cli.RunAsync("config", "read", "-http-addr", _addr, "-kind", "service-defaults", "-name", name);
        Assert.Equal(0, read.ExitCode);
        Assert.Contains("\n    \"Protocol\": \"http\"", read.Out, StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(read.Out))
        {
            Assert.Equal(name, document.RootElement.GetProperty("Name").GetString());
        }

        var list = await Cli.RunAsync("config", "list", "-http-addr", _addr, "-kind", "service-defaults");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(name, Cli.Lines(list.Out));

        var deleted = await Cli.RunAsync("config", "delete", "-http-addr", _addr, "-kind", "service-defaults", "-name", name);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal($"Config entry deleted: service-defaults/{name}", deleted.Out.Trim());
        Assert.DoesNotContain(name, Cli.Lines((await Cli.RunAsync("config", "list", "-http-addr", _addr, "-kind", "service-defaults")).Out));
    }

    [Fact]
    public async Task ConfigWrite_ProxyDefaultsWithoutName_ReportsGlobal()
    {
        using var dir = new TempDirectory();
        var file = await WriteFileAsync(dir, """{"kind":"proxy-defaults","config":{"protocol":"http"}}""");
        var written = await Cli.RunAsync("config", "write", "-http-addr", _addr, file);
        Assert.Equal(0, written.ExitCode);
        Assert.Equal("Config entry written: proxy-defaults/global", written.Out.Trim());
    }

    [Fact]
    public async Task ConfigWrite_InvalidEntry_Exits1WithServerMessage()
    {
        using var dir = new TempDirectory();
        var file = await WriteFileAsync(dir, """{"Kind":"service-defaults","Name":"web","Protocoll":"http"}""");
        var result = await Cli.RunAsync("config", "write", "-http-addr", _addr, file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error writing config entry service-defaults/web", result.Error, StringComparison.Ordinal);
        Assert.Contains("invalid config key \"Protocoll\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigWrite_Cas_StaleIndexNotUpdated()
    {
        using var dir = new TempDirectory();
        var name = Unique("cas");
        var file = await WriteFileAsync(dir, $$"""{"Kind":"service-defaults","Name":"{{name}}"}""");
        Assert.Equal(0, (await Cli.RunAsync("config", "write", "-http-addr", _addr, "-cas", "-modify-index", "0", file)).ExitCode);

        var again = await Cli.RunAsync("config", "write", "-http-addr", _addr, "-cas", "-modify-index", "0", file);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"Config entry not updated: service-defaults/{name}", again.Error.Trim());

        var stale = await Cli.RunAsync("config", "delete", "-http-addr", _addr, "-kind", "service-defaults", "-name", name, "-cas", "-modify-index", "1");
        Assert.Equal(1, stale.ExitCode);
        Assert.Equal($"Config entry not deleted: service-defaults/{name}", stale.Error.Trim());
        var index = (await _server.GetJsonAsync($"/v1/config/service-defaults/{name}")).GetProperty("ModifyIndex").GetInt64();
        Assert.Equal(0, (await Cli.RunAsync("config", "delete", "-http-addr", _addr, "-kind", "service-defaults", "-name", name, "-cas", "-modify-index", index.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode);
    }

    [Fact]
    public async Task ConfigRead_Missing_Exits1WithNotFound()
    {
        var result = await Cli.RunAsync("config", "read", "-http-addr", _addr, "-kind", "service-defaults", "-name", Unique("none"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Config entry not found", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read", "-name", "x", "Must specify the -kind parameter")]
    [InlineData("read", "-kind", "mesh", "Must specify the -name parameter")]
    [InlineData("delete", "-kind", "mesh", "Must specify the -name parameter")]
    public async Task Config_MissingFlags_Exit1(string verb, string flag, string value, string message)
    {
        var result = await Cli.RunAsync("config", verb, "-http-addr", _addr, flag, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntentionCreate_GetCheckListDelete()
    {
        var destination = Unique("db");
        var created = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-deny", "web", destination);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal($"Created: web => {destination} (deny)", created.Out.Trim());

        var get = await Cli.RunAsync("intention", "get", "-http-addr", _addr, "web", destination);
        Assert.Equal(0, get.ExitCode);
        var lines = Cli.Lines(get.Out);
        Assert.Contains(lines, l => l.StartsWith("Source:", StringComparison.Ordinal) && l.EndsWith(" web", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Destination:", StringComparison.Ordinal) && l.EndsWith(destination, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Action:", StringComparison.Ordinal) && l.EndsWith("deny", StringComparison.Ordinal));

        var denied = await Cli.RunAsync("intention", "check", "-http-addr", _addr, "web", destination);
        Assert.Equal(IntentionCheckCommand.Denied, denied.ExitCode);
        Assert.Equal("Denied", denied.Out.Trim());
        var allowed = await Cli.RunAsync("intention", "check", "-http-addr", _addr, "api", destination);
        Assert.Equal(IntentionCheckCommand.Allowed, allowed.ExitCode);
        Assert.Equal("Allowed", allowed.Out.Trim());

        var list = await Cli.RunAsync("intention", "list", "-http-addr", _addr);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(["ID", "Source", "Action", "Destination", "Precedence"], Cli.Lines(list.Out)[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(Cli.Lines(list.Out), l => l.Contains(destination, StringComparison.Ordinal) && l.Contains("deny", StringComparison.Ordinal) && l.EndsWith('9'));

        var deleted = await Cli.RunAsync("intention", "delete", "-http-addr", _addr, "web", destination);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal("Intention deleted.", deleted.Out.Trim());
        Assert.Equal(1, (await Cli.RunAsync("intention", "get", "-http-addr", _addr, "web", destination)).ExitCode);
    }

    [Fact]
    public async Task IntentionCreate_Existing_FailsUnlessReplace()
    {
        var destination = Unique("db");
        Assert.Equal(0, (await Cli.RunAsync("intention", "create", "-http-addr", _addr, "web", destination)).ExitCode);

        var duplicate = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-deny", "web", destination);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("duplicate intention found: web => " + destination + " (allow)", duplicate.Error, StringComparison.Ordinal);

        var replaced = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-deny", "-replace", "web", destination);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal(IntentionCheckCommand.Denied, (await Cli.RunAsync("intention", "check", "-http-addr", _addr, "web", destination)).ExitCode);
    }

    [Fact]
    public async Task IntentionCreate_AllowAndDeny_Exit1()
    {
        var result = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-allow", "-deny", "a", "b");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Only one of -allow or -deny may be specified.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntentionCheck_BadArgumentsOrUnreachableServer_Exit2()
    {
        var oneArg = await Cli.RunAsync("intention", "check", "-http-addr", _addr, "web");
        Assert.Equal(IntentionCheckCommand.Failed, oneArg.ExitCode);
        Assert.Contains("requires exactly two arguments", oneArg.Error, StringComparison.Ordinal);

        var unreachable = await Cli.RunAsync("intention", "check", "-http-addr", $"127.0.0.1:{FreePort.Next()}", "web", "db");
        Assert.Equal(IntentionCheckCommand.Failed, unreachable.ExitCode);
        Assert.Contains("Error checking the connection", unreachable.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntentionList_NoIntentions_Exits2()
    {
        await using var empty = await TestServer.StartAsync();
        var result = await Cli.RunAsync("intention", "list", "-http-addr", empty.Http.BaseAddress!.ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("There are no intentions.", result.Error.Trim());
    }

    [Fact]
    public void AgentConfigFile_DefaultIntentionPolicy_ReadAndValidated()
    {
        using var dir = new TempDirectory();
        var good = Path.Combine(dir.Path, "good.json");
        File.WriteAllText(good, """{"default_intention_policy":"deny"}""");
        Assert.Equal("deny", AgentConfigFile.Apply(new AgentConfig(), good).DefaultIntentionPolicy);

        var bad = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(bad, """{"default_intention_policy":"maybe"}""");
        var error = Assert.Throws<UsageException>(() => AgentConfigFile.Apply(new AgentConfig(), bad));
        Assert.Contains("default_intention_policy", error.Message, StringComparison.Ordinal);
    }
}
