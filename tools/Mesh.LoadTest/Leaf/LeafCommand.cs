using System.Globalization;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Leaf;

/// <summary>
/// Issue 18 item 5: new leaf certificates per second over HTTP on one server. For each round and each binary
/// (<c>--mesh-bin a,b</c> compares builds side by side, interleaved), a fresh <c>mesh agent -dev</c>, then for each
/// concurrency a warm-up and a measured window of new-service leaf requests (<see cref="LeafLoad"/>).
/// </summary>
public static class LeafCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("concurrency", "duration", "warmup", "rounds", "mesh-bin");
        var concurrencies = options.Numbers("concurrency", "16");
        var duration = options.Seconds("duration", 10);
        var warmup = options.Seconds("warmup", 3);
        var rounds = options.Number("rounds", 1);
        var binaries = options.List("mesh-bin", TargetLauncher.DefaultMeshBinary());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"New leaf certificates over HTTP (GET /v1/agent/connect/ca/leaf/<new service>), mesh agent -dev, {warmup.TotalSeconds:0}s warm-up + {duration.TotalSeconds:0}s measured, {Environment.ProcessorCount} cores, load before {LoadAverage.Read()}"));
        Console.WriteLine("| round | binary | clients | leaves/s | p50 ms | p99 ms | server CPU µs/leaf | errors |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var failed = false;
        for (var round = 1; round <= rounds; round++)
        {
            for (var b = 0; b < binaries.Count; b++)
            {
                await using var server = await LeafDevServer.StartAsync(binaries[b], cancellationToken).ConfigureAwait(false);
                foreach (var concurrency in concurrencies)
                {
                    var result = await LeafLoad.RunAsync(server, string.Create(CultureInfo.InvariantCulture, $"r{round}b{b}c{concurrency}"), concurrency, warmup, duration, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {round} | {binaries[b]} | {concurrency} | {result.LeavesPerSecond:0} | {result.Latency.P50:0.00} | {result.Latency.P99:0.00} | {result.ServerCpuMicrosPerLeaf:0} | {result.Errors} |"));
                    if (result.FirstError is not null)
                    {
                        failed = true;
                        await Console.Error.WriteLineAsync($"  first error: {result.FirstError}").ConfigureAwait(false);
                    }
                }
            }
        }

        Console.WriteLine($"load average after: {LoadAverage.Read()}");
        return failed ? 1 : 0;
    }
}
