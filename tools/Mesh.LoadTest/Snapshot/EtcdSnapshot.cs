using System.Diagnostics;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Snapshot;

/// <summary>
/// The etcd peer of <c>snapshot</c>: a one-member etcd filled with the same number of keys (the same registration
/// documents as values), then <c>etcdctl snapshot save</c> against it (server peak RSS during it) and
/// <c>etcdctl snapshot restore</c> of the file into a new data folder (offline: etcd restores without a server).
/// </summary>
public sealed class EtcdSnapshot(string etcdBinary, string etcdctlBinary)
{
    public async Task<IReadOnlyList<SnapshotResult>> RunAsync(int services, int perNode, int concurrency, int rounds, CancellationToken cancellationToken)
    {
        var results = new List<SnapshotResult>();
        var folder = Directory.CreateTempSubdirectory("etcd-snapshot-");
        try
        {
            await using var etcd = await EtcdTarget.StartAsync(etcdBinary, cancellationToken).ConfigureAwait(false);
            using var client = new LoadHttpClient(etcd.BaseAddress, concurrency, TimeSpan.FromSeconds(300));
            var fill = await CatalogFill.RunAsync(client.Http, i => CatalogFill.EtcdWrite(i, perNode), services, concurrency, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(
                $"etcd filled {services:N0} keys in {fill.Elapsed.TotalSeconds:N1} s ({services / fill.Elapsed.TotalSeconds:N0}/s), errors {fill.Errors}{(fill.FirstError is null ? string.Empty : $" (first: {fill.FirstError})")}, RSS {etcd.Probe.ResidentBytes() / 1048576.0:N0} MiB, load {LoadAverage.Read()}").ConfigureAwait(false);

            for (var attempt = 1; attempt <= rounds; attempt++)
            {
                var file = Path.Combine(folder.FullName, $"save-{attempt}.db");
                var before = etcd.Probe.ResidentBytes();
                var check = SnapshotCommand.ResetPeak(etcd.Probe);
                var elapsed = await EtcdctlAsync(["--endpoints", etcd.BaseAddress.ToString(), "snapshot", "save", file], cancellationToken).ConfigureAwait(false);
                results.Add(new SnapshotResult("etcd save (etcdctl)", attempt, services, elapsed, new FileInfo(file).Length, before, etcd.Probe.PeakResidentBytes(), check));
            }

            for (var attempt = 1; attempt <= rounds; attempt++)
            {
                var file = Path.Combine(folder.FullName, "save-1.db");
                var elapsed = await EtcdctlAsync(["snapshot", "restore", file, "--data-dir", Path.Combine(folder.FullName, $"restored-{attempt}")], cancellationToken).ConfigureAwait(false);
                results.Add(new SnapshotResult("etcd restore (etcdctl, offline)", attempt, services, elapsed, new FileInfo(file).Length, 0, 0, "no server: RSS not measured"));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        return results;
    }

    private async Task<TimeSpan> EtcdctlAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(etcdctlBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ETCDCTL_API"] = "3";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {etcdctlBinary}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"etcdctl {string.Join(' ', arguments)} failed: {await output.ConfigureAwait(false)}{await errors.ConfigureAwait(false)}");
        }

        return elapsed;
    }
}
