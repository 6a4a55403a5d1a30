using System.Diagnostics;
using Mesh.LoadTest.Load;
using Mesh.ProxyCfg;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// <c>proxycfg-fanout</c>: N web sidecars, each with upstream <c>db</c>, watched through a real
/// <see cref="ProxyConfigSource"/> on an in-process server's store and leaf cache; then db instances are added one at a
/// time and the time until every proxy's <see cref="ProxyWatch.NextAsync"/> returned the new snapshot is measured,
/// with this process's CPU time and allocations over the fan-out.
/// </summary>
public static class ProxyCfgFanoutCommand
{
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("proxies", "coalesce-ms", "changes", "concurrency");
        var proxies = options.Number("proxies", 5_000);
        var coalesce = TimeSpan.FromMilliseconds(options.Number("coalesce-ms", 50));
        var changes = options.Number("changes", 3);
        var concurrency = options.Number("concurrency", 32);
        await Log($"load {LoadAverage.Read()}; {proxies:N0} proxies, coalesce {coalesce.TotalMilliseconds} ms, {changes} changes").ConfigureAwait(false);

        await using var mesh = await InProcessMesh.StartAsync(cancellationToken).ConfigureAwait(false);
        var writer = new MeshCatalogWriter(mesh.Http);
        await writer.RegisterDbInstanceAsync(1, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        await writer.RegisterWebSidecarsAsync(proxies, concurrency, cancellationToken).ConfigureAwait(false);
        await Log($"registered {proxies:N0} sidecars in {Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s").ConfigureAwait(false);

        var server = mesh.Server;
        await using var source = new ProxyConfigSource(
            server.Fsm, server.Runtime.Ca!.Leaves, server.Runtime.Self, new ProxyCfgOptions { CoalesceDelay = coalesce }, NullLoggerFactory.Instance);
        var ids = Enumerable.Range(0, proxies).Select(p => new ProxyId(MeshCatalogWriter.WebNode(p), MeshCatalogWriter.WebSidecarId(p))).ToList();

        var before = ProcessCounters.Now();
        await using var watchers = FanoutWatchers.Open(source, ids);
        var initial = watchers.Expect(1);
        watchers.Start();
        await initial.All.WaitAsync(PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var initialCost = ProcessCounters.Now() - before;
        await Log($"initial snapshots for {proxies:N0} proxies in {initialCost.Elapsed.TotalSeconds:N2} s (CPU {initialCost.Cpu.TotalSeconds:N2} s, {initialCost.Allocated / 1048576.0:N0} MiB allocated; includes the one leaf signing)").ConfigureAwait(false);

        var results = new List<FanoutChangeResult>();
        for (var change = 1; change <= changes; change++)
        {
            var instance = change + 1;

            // The application instance alone changes no endpoint; its rebuilds settle before the measured write.
            await writer.RegisterDbServiceAsync(instance, cancellationToken).ConfigureAwait(false);
            await WaitForQuietAsync(source, coalesce, cancellationToken).ConfigureAwait(false);

            var target = watchers.Expect(instance);
            var (builds, publishes) = (source.Builds, source.Publishes);
            var start = ProcessCounters.Now();
            await writer.RegisterDbSidecarAsync(instance, 21000, cancellationToken).ConfigureAwait(false);
            var acked = Stopwatch.GetTimestamp();
            try
            {
                await target.All.WaitAsync(PhaseTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await Log($"change {change}: only {target.Reached:N0} of {proxies:N0} proxies saw it within {PhaseTimeout.TotalSeconds} s").ConfigureAwait(false);
            }

            var all = ProcessCounters.Now();
            await WaitForQuietAsync(source, coalesce, cancellationToken).ConfigureAwait(false);
            var quiet = ProcessCounters.Now();
            var result = new FanoutChangeResult
            {
                Change = change,
                Proxies = proxies,
                Reached = target.Reached,
                WriteAckMilliseconds = Stopwatch.GetElapsedTime(start.Timestamp, acked).TotalMilliseconds,
                FromSend = LatencySummary.FromTicks(target.Since(start.Timestamp)),
                UntilAll = all - start,
                UntilQuiet = quiet - start,
                Builds = source.Builds - builds,
                Publishes = source.Publishes - publishes,
            };
            results.Add(result);
            await Log($"change {change}: {result.Reached:N0}/{proxies:N0}, p50 {result.FromSend.P50:N0} ms, p99 {result.FromSend.P99:N0} ms, max {result.FromSend.Max:N0} ms, CPU {result.UntilQuiet.Cpu.TotalMilliseconds:N0} ms").ConfigureAwait(false);
        }

        XdsReport.WriteFanout(results, coalesce, LoadAverage.Read());
        return results.All(r => r.Reached == r.Proxies) ? 0 : 1;
    }

    /// <summary>Waits until proxycfg has made no build for three coalesce windows.</summary>
    private static async Task WaitForQuietAsync(ProxyConfigSource source, TimeSpan coalesce, CancellationToken cancellationToken)
    {
        var window = coalesce + TimeSpan.FromMilliseconds(100);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(PhaseTimeout);
        var last = source.Builds;
        for (var quiet = 0; quiet < 3;)
        {
            await Task.Delay(window, bound.Token).ConfigureAwait(false);
            var now = source.Builds;
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    private static Task Log(string message) => Console.Error.WriteLineAsync(message);
}
