using Mesh.Agent.Cli;
using Mesh.FaultTest.Cluster;
using Mesh.FaultTest.Faults;
using Xunit.Abstractions;

namespace Mesh.FaultTest.Tests;

/// <summary>
/// The fault harness's smoke run (the full run is <c>Mesh.FaultTest faults</c>): three real server processes, a few
/// rounds: a leader SIGKILL and a SIGSTOP pause (and a partition when namespaces are available), then the
/// linearizability checker and the fuzzy-test invariants.
/// </summary>
public sealed class FaultSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FewFaultRounds_NothingLost_Linearizable_DigestsEqual()
    {
        var plan = "leader-kill=1,pause=1" + (Shell.IsRoot ? ",partition=1" : string.Empty);
        var options = new FaultRunOptions
        {
            Seed = 1,
            Plan = plan,
            Duration = TimeSpan.FromSeconds(90),
            MeshDll = typeof(CommandLine).Assembly.Location,
            Writers = 3,
            Readers = 2,
            DurableWriters = 1,
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var result = await FaultRun.RunAsync(options, output.WriteLine, stop.Token);
        output.WriteLine(FaultSummary.Render(result));

        Assert.True(result.Faults.GetValueOrDefault("leader-kill")?.Rounds >= 1, "no leader kill ran");
        Assert.True(result.AcknowledgedWrites > 0);
        Assert.True(result.ConsistentReads > 0);
        Assert.Equal(0, result.LostWrites);
        Assert.Equal(0, result.DigestMismatches);
        Assert.Equal(0, result.Violations);
        Assert.Equal(0, result.ClientServerErrors);
        Assert.Empty(result.Failures);
    }
}
