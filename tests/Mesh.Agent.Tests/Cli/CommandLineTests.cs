using Mesh.Server;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Run_UnknownCommand_Exits1WithMessageOnStderr()
    {
        var result = await Cli.RunAsync("frobnicate");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown command: \"frobnicate\"", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Run_CommandGroupWithoutSubcommand_Exits1ListingSubcommands()
    {
        var result = await Cli.RunAsync("catalog");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("catalog services", result.Error, StringComparison.Ordinal);
        Assert.Contains("catalog nodes", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoArguments_Exits1WithCommandList()
    {
        var result = await Cli.RunAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Available commands are:", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Run_TopLevelHelp_Exits0WithCommandList(string flag)
    {
        var result = await Cli.RunAsync(flag);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("services register", result.Out, StringComparison.Ordinal);
        Assert.Contains("agent", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CommandHelp_Exits0WithItsUsageOnStdout()
    {
        var result = await Cli.RunAsync("agent", "-help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: mesh agent [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("-data-dir=<value>", result.Out, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Run_UnknownFlag_Exits1WithUsageErrorOnStderr()
    {
        var result = await Cli.RunAsync("catalog", "services", "-x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error: flag provided but not defined: -x", result.Error, StringComparison.Ordinal);
        Assert.Contains("mesh catalog services -help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AgentWithoutDataDir_Exits1WithoutStarting()
    {
        var result = await Cli.RunAsync("agent", "-server");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Must specify -data-dir", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnexpectedPositional_Exits1()
    {
        var result = await Cli.RunAsync("catalog", "nodes", "extra");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Too many arguments", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ServerUnreachable_Exits1WithConnectionError()
    {
        var result = await Cli.RunAsync("catalog", "services", "-http-addr", $"127.0.0.1:{FreePort.Next()}");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error connecting to Mesh at http://127.0.0.1:", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("-version")]
    [InlineData("-v")]
    public async Task Run_Version_PrintsVersionAndExits0(string arg)
    {
        var result = await Cli.RunAsync(arg);
        Assert.Equal(0, result.ExitCode);
        var lines = Cli.Lines(result.Out);
        Assert.Equal($"Mesh v{MeshVersion.Current}", lines[0]);
        Assert.Equal($"Consul API compatibility: {MeshVersion.ConsulCompatible}", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("Runtime: .NET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_VersionWithArgument_Exits1()
    {
        var result = await Cli.RunAsync("version", "extra");
        Assert.Equal(1, result.ExitCode);
    }
}
