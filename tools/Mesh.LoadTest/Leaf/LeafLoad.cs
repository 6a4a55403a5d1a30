using System.Globalization;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Leaf;

/// <summary>
/// N clients in a closed loop, each asking <c>GET /v1/agent/connect/ca/leaf/:service</c> for a service name nobody asked
/// for before (so every answer is a new key and certificate), through a warm-up and then a measured window. A leaf
/// counts if it was asked for and answered inside the window; server CPU is read from /proc over the same window.
/// </summary>
public static class LeafLoad
{
    public static async Task<LeafRunResult> RunAsync(LeafDevServer server, string runName, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = new LoadHttpClient(server.BaseAddress, concurrency, TimeSpan.FromSeconds(30));
        var window = LoopWindow.StartingNow(warmup, duration);
        var workers = Enumerable.Range(0, concurrency)
            .Select(index =>
            {
                var prefix = $"{runName}-{index.ToString(CultureInfo.InvariantCulture)}";
                return Task.Run(() => ClosedLoopWorker.RunAsync((sequence, token) => AskAsync(client.Http, $"{prefix}-{sequence.ToString(CultureInfo.InvariantCulture)}", token), window, cancellationToken), cancellationToken);
            })
            .ToArray();

        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        var cpuBefore = server.Probe.CpuTime();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        var cpu = server.Probe.CpuTime() - cpuBefore;
        var results = await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        var leaves = results.Sum(r => (long)r.Latencies.Count);
        return new LeafRunResult(
            concurrency,
            leaves / duration.TotalSeconds,
            LatencySummary.FromTicks(results.SelectMany(r => r.Latencies)),
            leaves == 0 ? 0 : cpu.TotalMicroseconds / leaves,
            results.Sum(r => r.Errors),
            results.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }

    private static async Task<string?> AskAsync(HttpClient http, string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/v1/agent/connect/ca/leaf/{name}", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"{(int)response.StatusCode}: {body}";
        }

        return body.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal) && body.Contains("BEGIN EC PRIVATE KEY", StringComparison.Ordinal)
            ? null
            : "200 without a certificate and key: " + body[..Math.Min(200, body.Length)];
    }
}
