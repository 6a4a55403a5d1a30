using Mesh.LoadTest.Load;
using Mesh.LoadTest.Parked;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest;

/// <summary>
/// <c>parked</c>: two phases on fresh servers. "spread": the queries over 100 services, one service changed (1% of the
/// queries affected). "single": all queries on one service, which is changed (all affected).
/// </summary>
public static class ParkedQueriesCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("queries", "services", "mesh-bin", "settle");
        var queries = options.Number("queries", 10_000);
        var services = options.Number("services", 100);
        var settings = new ParkedSettings
        {
            MeshBinary = options.Text("mesh-bin", TargetLauncher.DefaultMeshBinary()),
            Settle = options.Seconds("settle", 3),
        };

        // One socket per parked query on each side; the server inherits this process's limit.
        var (soft, hard) = FileDescriptorLimit.Current();
        var limit = FileDescriptorLimit.EnsureAtLeast((ulong)queries + 1024);
        await Console.Error.WriteLineAsync($"open-files limit: soft {soft}, hard {hard}; in force {limit}").ConfigureAwait(false);

        var phase = new ParkedPhase(settings);
        var results = new List<ParkedPhaseResult>();
        foreach (var (name, serviceCount) in new[] { ("spread", services), ("single", 1) })
        {
            await Console.Error.WriteLineAsync($"phase {name}: {queries:N0} queries over {serviceCount} service(s)").ConfigureAwait(false);
            var result = await phase.RunAsync(name, serviceCount, queries, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            await Console.Error.WriteLineAsync(
                $"  woken {result.AffectedWoken}/{result.Affected}, p50 {result.WakeFromAck.P50:N2} ms, p99 {result.WakeFromAck.P99:N2} ms, unaffected returned {result.UnaffectedReturned}, early {result.ReturnedEarly}, failed {result.Failed}{(result.FirstError is null ? string.Empty : $" ({result.FirstError})")}").ConfigureAwait(false);
        }

        Report.WriteParked(results);
        return results.All(r => r.Passed) ? 0 : 1;
    }
}
