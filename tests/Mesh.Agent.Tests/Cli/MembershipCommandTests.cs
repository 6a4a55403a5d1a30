using Mesh.Agent.Cli;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary><c>mesh info|members|reload|leave|monitor|catalog datacenters</c> against a real server.</summary>
public sealed class MembershipCommandTests
{
    [Fact]
    public async Task InfoMembersDatacentersReload_PrintWhatConsulPrints()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();

        var info = await Cli.RunAsync("info", "-http-addr", addr);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("raft:", info.Out, StringComparison.Ordinal);
        Assert.Contains("\tstate = Leader", info.Out, StringComparison.Ordinal);
        Assert.Contains("\tserver = true", info.Out, StringComparison.Ordinal);

        var detailed = await Cli.RunAsync("members", "-http-addr", addr, "-detailed");
        Assert.Equal(0, detailed.ExitCode);
        var lines = Cli.Lines(detailed.Out);
        Assert.StartsWith("Node", lines[0], StringComparison.Ordinal);
        Assert.Contains("Tags", lines[0], StringComparison.Ordinal);
        Assert.Contains("role=consul", lines[1], StringComparison.Ordinal);
        Assert.Contains("alive", lines[1], StringComparison.Ordinal);

        Assert.Equal(0, (await Cli.RunAsync("members", "-http-addr", addr, "-status=alive")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("members", "-http-addr", addr, "-status=failed")).ExitCode);
        var badRegexp = await Cli.RunAsync("members", "-http-addr", addr, "-status=[");
        Assert.Equal(1, badRegexp.ExitCode);
        Assert.Contains("Failed to compile status regexp", badRegexp.Error, StringComparison.Ordinal);

        var datacenters = await Cli.RunAsync("catalog", "datacenters", "-http-addr", addr);
        Assert.Equal(0, datacenters.ExitCode);
        Assert.Equal("dc1", datacenters.Out.Trim());

        var reload = await Cli.RunAsync("reload", "-http-addr", addr);
        Assert.Equal(0, reload.ExitCode);
        Assert.Equal("Configuration reload triggered", reload.Out.Trim());

        Assert.Equal(1, (await Cli.RunAsync("force-leave", "-http-addr", addr)).ExitCode);
        Assert.Equal(1, (await Cli.RunAsync("join", "-http-addr", addr)).ExitCode);
    }

    [Fact]
    public async Task Monitor_PrintsLines_UntilInterrupted_BadLevelExits1()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();
        var bad = await Cli.RunAsync("monitor", "-http-addr", addr, "-log-level=loud");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Unknown log level", bad.Error, StringComparison.Ordinal);

        using var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var monitor = CommandLine.RunAsync(["monitor", "-http-addr", addr], new CliConsole(synchronized, TextWriter.Null), stop.Token);
        while (!stop.IsCancellationRequested && !Read(output).Contains("Reloaded the configuration", StringComparison.Ordinal))
        {
            using var reloaded = await server.Http.PutAsync("/v1/agent/reload", null);
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await monitor);
        Assert.Contains("[INFO]", Read(output), StringComparison.Ordinal);

        string Read(StringWriter writer)
        {
            lock (synchronized)
            {
                return writer.ToString();
            }
        }
    }

    [Fact]
    public async Task Leave_OnASingleServer_AsksTheProcessToStop()
    {
        await using var server = await TestServer.StartAsync();
        var result = await Cli.RunAsync("leave", "-http-addr", server.Http.BaseAddress!.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Graceful leave complete", result.Out.Trim());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!server.Server.ShutdownRequested.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(server.Server.ShutdownRequested.IsCancellationRequested);
    }
}
