using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary><c>mesh operator autopilot get-config|set-config|state</c>, <c>operator raft transfer-leader</c> and <c>mesh maint</c>.</summary>
public sealed class OperatorAndMaintCommandTests(ConfigCliServer fixture) : IClassFixture<ConfigCliServer>
{
    private readonly TestServer _server = fixture.Server;
    private readonly string _addr = fixture.Address;

    [Fact]
    public async Task Autopilot_SetConfigThenGetConfig_AsConsulPrintsIt()
    {
        var set = await Cli.RunAsync("operator", "autopilot", "set-config", "-http-addr", _addr, "-cleanup-dead-servers=false", "-max-trailing-logs=300", "-last-contact-threshold=400ms");
        Assert.Equal(0, set.ExitCode);
        Assert.Equal("Configuration updated!", set.Out.Trim());

        var get = await Cli.RunAsync("operator", "autopilot", "get-config", "-http-addr", _addr);
        Assert.Equal(0, get.ExitCode);
        var lines = Cli.Lines(get.Out);
        Assert.Contains("CleanupDeadServers = false", lines);
        Assert.Contains("MaxTrailingLogs = 300", lines);
        Assert.Contains("LastContactThreshold = 400ms", lines);
        Assert.Contains("ServerStabilizationTime = 10s", lines);
        Assert.Contains("RedundancyZoneTag = \"\"", lines);

        var bad = await Cli.RunAsync("operator", "autopilot", "set-config", "-http-addr", _addr, "-max-trailing-logs=-5");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("non-negative", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Autopilot_State_PrintsTheServer()
    {
        var state = await Cli.RunAsync("operator", "autopilot", "state", "-http-addr", _addr);
        Assert.Equal(0, state.ExitCode);
        Assert.Contains($"Leader:                       {_server.Server.Runtime.Self.NodeId}", state.Out, StringComparison.Ordinal);
        Assert.Contains("Status:          leader", state.Out, StringComparison.Ordinal);
        var json = await Cli.RunAsync("operator", "autopilot", "state", "-http-addr", _addr, "-format=json");
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"FailureTolerance\"", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferLeader_OnTheOnlyServer_FailsWithOneCleanError()
    {
        var result = await Cli.RunAsync("operator", "raft", "transfer-leader", "-http-addr", _addr);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("cannot find peer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maint_EnableListDisable_ForAService()
    {
        var id = "maint-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await Cli.RunAsync("services", "register", "-http-addr", _addr, "-name", id)).ExitCode);

        var enable = await Cli.RunAsync("maint", "-http-addr", _addr, "-enable", "-service", id, "-reason", "deploy");
        Assert.Equal(0, enable.ExitCode);
        Assert.Equal($"Service entered maintenance mode: {id}", enable.Out.Trim());

        var list = await Cli.RunAsync("maint", "-http-addr", _addr);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"Service:\n  ID:     {id}\n  Reason: deploy\n", list.Out, StringComparison.Ordinal);

        var disable = await Cli.RunAsync("maint", "-http-addr", _addr, "-disable", "-service", id);
        Assert.Equal(0, disable.ExitCode);
        Assert.Equal($"Service left maintenance mode: {id}", disable.Out.Trim());
        Assert.Null(_server.Server.Fsm.Current.FindCheck(_server.NodeName, $"_service_maintenance:{id}"));
    }

    [Fact]
    public async Task Maint_BadFlagsAndUnknownService_ExitNonZero()
    {
        var both = await Cli.RunAsync("maint", "-http-addr", _addr, "-enable", "-disable");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("Only one of -enable or -disable may be provided", both.Error, StringComparison.Ordinal);

        var reason = await Cli.RunAsync("maint", "-http-addr", _addr, "-reason", "x");
        Assert.Equal(1, reason.ExitCode);

        var unknown = await Cli.RunAsync("maint", "-http-addr", _addr, "-enable", "-service", "no-such-service");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("Error enabling service maintenance:", unknown.Error, StringComparison.Ordinal);
    }
}
