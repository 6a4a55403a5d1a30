using Mesh.FaultTest.Fuzz;
using Mesh.Testing;
using Xunit.Abstractions;

namespace Mesh.FaultTest.Tests;

/// <summary>The HTTP fuzzer's smoke run (the full run is <c>Mesh.FaultTest fuzz</c>): ~1,000 cases against a real server.</summary>
public sealed class FuzzSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThousandGeneratedRequests_NoServerError_AndRejectedWritesChangeNothing()
    {
        await using var server = await TestServer.StartAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var result = await HttpFuzzer.RunAsync(server.Http.BaseAddress!, seed: 1, cases: 1000, TimeSpan.FromMinutes(3), output.WriteLine, stop.Token);
        output.WriteLine(FuzzSummary.Render(result));

        Assert.True(result.Cases >= 500, $"only {result.Cases} cases ran");
        Assert.True(result.ByClass.GetValueOrDefault("4xx") > 0, "no case was rejected: the generator produced nothing invalid");
        Assert.True(result.RejectedWritesChecked > 0);
        Assert.Equal(0, result.ServerErrors);
        Assert.Equal(0, result.StateChangedOnReject);
        Assert.Empty(result.Findings);
    }
}
