using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary><c>mesh intention create -file -meta -description -replace</c>, <c>delete ID</c>, and the missing-intention errors.</summary>
public sealed class IntentionByIdCommandTests(ConfigCliServer fixture) : IClassFixture<ConfigCliServer>
{
    private readonly string _addr = fixture.Address;

    [Fact]
    public async Task Create_WithMetaAndDescription_ThenReplace_ThenDeleteById()
    {
        var destination = "db-" + Guid.NewGuid().ToString("N")[..8];
        var created = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-meta", "team=a", "-description", "first", "web", destination);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal($"Created: web => {destination} (allow)", created.Out.Trim());

        var get = await Cli.RunAsync("intention", "get", "-http-addr", _addr, "web", destination);
        Assert.Contains("Meta[team]:", get.Out, StringComparison.Ordinal);
        Assert.Contains("first", get.Out, StringComparison.Ordinal);
        var id = Cli.Lines(get.Out).Single(l => l.StartsWith("ID:", StringComparison.Ordinal))[3..].Trim();

        var duplicate = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-deny", "web", destination);
        Assert.Equal(1, duplicate.ExitCode);
        var replaced = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-deny", "-replace", "web", destination);
        Assert.Equal(0, replaced.ExitCode);
        var byId = await Cli.RunAsync("intention", "get", "-http-addr", _addr, id);
        Assert.Equal(0, byId.ExitCode);
        Assert.Contains("deny", byId.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await Cli.RunAsync("intention", "delete", "-http-addr", _addr, id)).ExitCode);
        var again = await Cli.RunAsync("intention", "delete", "-http-addr", _addr, id);
        Assert.Equal(1, again.ExitCode);
        var missing = await Cli.RunAsync("intention", "get", "-http-addr", _addr, "web", destination);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("Error: intention with source", missing.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Error: Error:", missing.Error, StringComparison.Ordinal);
        var missingPair = await Cli.RunAsync("intention", "delete", "-http-addr", _addr, "web", destination);
        Assert.Equal(1, missingPair.ExitCode);
    }

    [Fact]
    public async Task Create_FromFile()
    {
        using var dir = new TempDirectory();
        var destination = "api-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(dir.Path, "ixn.json");
        await File.WriteAllTextAsync(file, $$"""{"SourceName":"web","DestinationName":"{{destination}}","Action":"deny"}""");
        var created = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-file", file);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal($"Created: web => {destination} (deny)", created.Out.Trim());
        var bad = await Cli.RunAsync("intention", "create", "-http-addr", _addr, "-file", Path.Combine(dir.Path, "none.json"));
        Assert.Equal(1, bad.ExitCode);
    }
}
