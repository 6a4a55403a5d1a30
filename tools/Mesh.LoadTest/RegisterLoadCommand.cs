using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest;

/// <summary>
/// <c>register</c>: closed-loop durable-write throughput and latency at each concurrency, each target on a fresh server,
/// targets interleaved per concurrency so that they run side by side under the same machine conditions, the whole
/// sequence repeated for several rounds (ratios are the median of the rounds' ratios).
/// </summary>
public static class RegisterLoadCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("target", "concurrency", "duration", "warmup", "rounds", "mesh-bin", "etcd-bin", "mesh-args");
        var targets = options.List("target", "mesh,etcd");
        var levels = options.Numbers("concurrency", "1,16,64");
        var duration = options.Seconds("duration", 10);
        var warmup = options.Seconds("warmup", 2);
        var rounds = options.Number("rounds", 3);
        var launcher = new TargetLauncher(options.Text("mesh-bin", TargetLauncher.DefaultMeshBinary()), options.Text("etcd-bin", "etcd"), options.Text("mesh-args", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        FileDescriptorLimit.EnsureAtLeast((ulong)levels.Max() + 256);

        var runs = new List<WriteRunResult>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var level in levels)
            {
                foreach (var name in targets)
                {
                    await using var target = await launcher.StartAsync(name, cancellationToken).ConfigureAwait(false);
                    var run = await ClosedLoopLoad.RunAsync(round, target, level, warmup, duration, cancellationToken).ConfigureAwait(false);
                    runs.Add(run);
                    await Console.Error.WriteLineAsync(
                        $"round {run.Round} {run.Target,-5} clients={run.Concurrency,-3} {run.WritesPerSecond,8:N0} writes/s  p50 {run.Latency.P50:N2} ms  p99 {run.Latency.P99:N2} ms  errors {run.Errors}{(run.FirstError is null ? string.Empty : $" (first: {run.FirstError})")}").ConfigureAwait(false);
                }
            }
        }

        Report.WriteRuns(runs);
        if (targets.Contains("mesh") && targets.Contains("etcd"))
        {
            Console.WriteLine();
            Report.WriteRatios(runs, "mesh", "etcd");
        }

        return runs.All(run => run.Errors == 0 && run.Completed > 0) ? 0 : 1;
    }
}
