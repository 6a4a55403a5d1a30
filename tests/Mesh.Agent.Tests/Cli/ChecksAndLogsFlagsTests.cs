using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>Flags and config keys for script checks, config folders and log output.</summary>
public sealed class ChecksAndLogsFlagsTests
{
    private static AgentConfig Build(params string[] args)
    {
        var flags = AgentCommand.Flags();
        Assert.Empty(flags.Parse(args));
        return AgentCommand.Build(flags);
    }

    [Fact]
    public void Defaults_ScriptChecksOff_TextLogNoFile()
    {
        var config = Build("-dev");
        Assert.False(config.EnableScriptChecks);
        Assert.False(config.EnableLocalScriptChecks);
        Assert.False(config.LogOutput.Json);
        Assert.Null(config.LogOutput.File);
        Assert.Equal(TimeSpan.FromHours(24), config.LogOutput.RotateDuration);
        Assert.Equal(4096, config.CheckOutputMaxSize);
    }

    [Fact]
    public void Flags_AreApplied()
    {
        var config = Build("-dev", "-enable-script-checks", "-enable-local-script-checks", "-log-json", "-log-file", "/tmp/mesh/",
            "-log-rotate-bytes", "1024", "-log-rotate-duration", "1h", "-log-rotate-max-files", "3");
        Assert.True(config.EnableScriptChecks);
        Assert.True(config.EnableLocalScriptChecks);
        Assert.Equal(new Mesh.Agent.Logging.LogOutputOptions { Json = true, File = "/tmp/mesh/", RotateBytes = 1024, RotateDuration = TimeSpan.FromHours(1), RotateMaxFiles = 3 }, config.LogOutput);
    }

    [Fact]
    public void ConfigDir_ReadsJsonFilesInNameOrder_FlagsOverride()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(Path.Combine(folder.Path, "a.json"), """{"log_json": true, "log_rotate_max_files": 2, "services": [{"name": "a"}]}""");
        File.WriteAllText(Path.Combine(folder.Path, "b.json"), """{"log_rotate_max_files": 5, "enable_script_checks": true, "service": {"name": "b"}, "check_output_max_size": 100}""");
        File.WriteAllText(Path.Combine(folder.Path, "notes.txt"), "not a config file");
        var config = Build("-dev", "-config-dir", folder.Path, "-log-rotate-max-files", "7");
        Assert.True(config.LogOutput.Json);
        Assert.Equal(7, config.LogOutput.RotateMaxFiles);
        Assert.True(config.EnableScriptChecks);
        Assert.Equal(100, config.CheckOutputMaxSize);
        Assert.Equal(2, config.Services.Count);
    }

    [Theory]
    [InlineData("""{"log_rotate_duration": "soon"}""", "log_rotate_duration")]
    [InlineData("""{"enable_script_checks": "yes"}""", "enable_script_checks")]
    [InlineData("""{"services": {"name": "a"}}""", "services")]
    [InlineData("""{"service": {"port": 80}}""", "Missing service name")]
    [InlineData("""{"check": {"name": "c"}}""", "one of Args, TTL")]
    [InlineData("""{"check": {"name": "c", "ttl": "10s", "service_id": "nope"}}""", "ServiceID \"nope\" does not exist")]
    public void BadValues_AreUsageErrors(string json, string expected)
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "bad.json");
        File.WriteAllText(file, json);
        var error = Assert.Throws<UsageException>(() => Build("-dev", "-config-file", file));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogRotateDurationFlag_NotADuration_IsUsageError()
        => Assert.Throws<UsageException>(() => Build("-dev", "-log-rotate-duration", "daily"));
}
