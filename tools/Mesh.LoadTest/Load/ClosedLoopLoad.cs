using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Load;

/// <summary>
/// N clients, each sending one write and waiting for its acknowledgement before the next (closed loop), for a warmup
/// and then a measured window. A write counts if it started and was acknowledged inside the window.
/// </summary>
public static class ClosedLoopLoad
{
    public static async Task<WriteRunResult> RunAsync(int round, ILoadTarget target, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = new LoadHttpClient(target.BaseAddress, concurrency, TimeSpan.FromSeconds(30), target.ConfigureHandler);
        var window = LoopWindow.StartingNow(warmup, duration);
        var workers = Enumerable.Range(0, concurrency)
            .Select(index => Task.Run(() => ClosedLoopWorker.RunAsync((sequence, token) => WriteAsync(client.Http, target, index, sequence, token), window, cancellationToken), cancellationToken))
            .ToArray();

        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        var indexBefore = await target.AppliedIndexAsync(cancellationToken).ConfigureAwait(false);
        var cpuBefore = target.Probe.CpuTime();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        var cpuAfter = target.Probe.CpuTime();
        var indexAfter = await target.AppliedIndexAsync(cancellationToken).ConfigureAwait(false);
        var resident = target.Probe.ResidentBytes();

        var results = await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return new WriteRunResult(
            round,
            target.Name,
            concurrency,
            duration,
            results.Sum(r => (long)r.Latencies.Count),
            results.Sum(r => r.Errors),
            results.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
            LatencySummary.FromTicks(results.SelectMany(r => r.Latencies)),
            cpuAfter - cpuBefore,
            resident)
        {
            LogEntries = indexAfter - indexBefore,
        };
    }

    private static async Task<string?> WriteAsync(HttpClient http, ILoadTarget target, int index, long sequence, CancellationToken cancellationToken)
    {
        using var request = target.CreateWrite(index, sequence);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? null
            : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
    }
}
