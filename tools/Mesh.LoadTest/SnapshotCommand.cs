using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Snapshot;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest;

/// <summary>
/// <c>snapshot</c>: fills one mesh server with registered service instances through the HTTP API, then times
/// <c>GET /v1/snapshot</c> (save) on it and <c>PUT /v1/snapshot</c> (restore) into fresh servers, with each server's
/// peak RSS during the operation (VmHWM, reset just before through /proc/PID/clear_refs).
/// </summary>
public static class SnapshotCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("services", "per-node", "concurrency", "rounds", "target", "mesh-bin", "etcd-bin", "etcdctl-bin");
        var targets = options.List("target", "mesh");
        var services = options.Number("services", 100_000);
        var perNode = options.Number("per-node", 10);
        var concurrency = options.Number("concurrency", 64);
        var rounds = options.Number("rounds", 2);
        var meshBinary = options.Text("mesh-bin", TargetLauncher.DefaultMeshBinary());
        FileDescriptorLimit.EnsureAtLeast((ulong)concurrency + 256);
        await Console.Error.WriteLineAsync($"load average before: {LoadAverage.Read()}").ConfigureAwait(false);

        var results = new List<SnapshotResult>();
        if (targets.Contains("mesh"))
        {
            results.AddRange(await MeshAsync(meshBinary, services, perNode, concurrency, rounds, cancellationToken).ConfigureAwait(false));
        }

        if (targets.Contains("etcd"))
        {
            var etcd = new EtcdSnapshot(options.Text("etcd-bin", "etcd"), options.Text("etcdctl-bin", "etcdctl"));
            results.AddRange(await etcd.RunAsync(services, perNode, concurrency, rounds, cancellationToken).ConfigureAwait(false));
        }

        await Console.Error.WriteLineAsync($"load average after: {LoadAverage.Read()}").ConfigureAwait(false);
        Report.WriteSnapshots(results);
        return 0;
    }

    private static async Task<IReadOnlyList<SnapshotResult>> MeshAsync(string meshBinary, int services, int perNode, int concurrency, int rounds, CancellationToken cancellationToken)
    {
        var results = new List<SnapshotResult>();
        byte[] archive;
        await using (var source = await MeshTarget.StartAsync(meshBinary, cancellationToken).ConfigureAwait(false))
        {
            using var client = new LoadHttpClient(source.BaseAddress, concurrency, TimeSpan.FromSeconds(300));
            var fill = await CatalogFill.RunAsync(client.Http, i => CatalogFill.MeshWrite(i, perNode), services, concurrency, cancellationToken).ConfigureAwait(false);
            var nodes = await NodeCountAsync(client.Http, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(
                $"filled {services:N0} instances on {nodes:N0} nodes in {fill.Elapsed.TotalSeconds:N1} s ({services / fill.Elapsed.TotalSeconds:N0}/s, {concurrency} clients), errors {fill.Errors}{(fill.FirstError is null ? string.Empty : $" (first: {fill.FirstError})")}, RSS {source.Probe.ResidentBytes() / 1048576.0:N0} MiB, load {LoadAverage.Read()}").ConfigureAwait(false);

            archive = [];
            for (var attempt = 1; attempt <= rounds; attempt++)
            {
                var before = source.Probe.ResidentBytes();
                var check = ResetPeak(source.Probe);
                var started = Stopwatch.GetTimestamp();
                archive = await client.Http.GetByteArrayAsync("/v1/snapshot", cancellationToken).ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(started);
                results.Add(new SnapshotResult("mesh save", attempt, services, elapsed, archive.Length, before, source.Probe.PeakResidentBytes(), check));
                await Console.Error.WriteLineAsync($"save #{attempt}: {elapsed.TotalSeconds:N2} s, {archive.Length / 1048576.0:N1} MiB").ConfigureAwait(false);
            }
        }

        for (var attempt = 1; attempt <= rounds; attempt++)
        {
            await using var target = await MeshTarget.StartAsync(meshBinary, cancellationToken).ConfigureAwait(false);
            using var client = new LoadHttpClient(target.BaseAddress, 1, TimeSpan.FromSeconds(300));
            var before = target.Probe.ResidentBytes();
            var check = ResetPeak(target.Probe);
            var started = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(archive);
            using var response = await client.Http.PutAsync("/v1/snapshot", content, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var peak = target.Probe.PeakResidentBytes();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"restore failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }

            var nodes = await NodeCountAsync(client.Http, cancellationToken).ConfigureAwait(false);
            results.Add(new SnapshotResult("mesh restore", attempt, services, elapsed, archive.Length, before, peak, string.Create(CultureInfo.InvariantCulture, $"{check}; {nodes:N0} nodes after")));
            await Console.Error.WriteLineAsync($"restore #{attempt}: {elapsed.TotalSeconds:N2} s, {nodes:N0} nodes after").ConfigureAwait(false);
        }

        return results;
    }

    internal static string ResetPeak(ProcessProbe probe)
    {
        try
        {
            probe.ResetPeak();
            return "peak reset";
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "peak since start";
        }
    }

    private static async Task<int> NodeCountAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("/v1/catalog/nodes", cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetArrayLength();
    }
}
