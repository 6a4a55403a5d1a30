using Mesh.LoadTest.Cluster;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest;

/// <summary>
/// <c>cluster</c>: the <c>register</c> load against a 3-server Mesh cluster and a 3-member etcd cluster (clients spread
/// over the members, a fresh cluster per run, targets interleaved per concurrency), then the election time after
/// SIGKILL of the leader, repeated on one cluster per target.
/// </summary>
public static class ClusterCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("target", "concurrency", "duration", "warmup", "rounds", "servers", "elections", "mesh-bin", "etcd-bin", "tls");
        var targets = options.List("target", "mesh,etcd");
        var levels = options.Numbers("concurrency", "1,16,64");
        var duration = options.Seconds("duration", 8);
        var warmup = options.Seconds("warmup", 2);
        var rounds = options.Number("rounds", 2);
        var size = options.Number("servers", 3);
        var elections = options.Number("elections", 3);
        var meshBinary = options.Text("mesh-bin", TargetLauncher.DefaultMeshBinary());
        var etcdBinary = options.Text("etcd-bin", "etcd");
        // --tls on: HTTPS with client certificates on the API, TLS with verified certificates between the servers (both targets).
        using var tls = options.Text("tls", "off") switch { "on" => ClusterTls.Create(), "off" => null, var other => throw new ArgumentException($"--tls {other}: on or off") };
        FileDescriptorLimit.EnsureAtLeast((ulong)(levels.DefaultIfEmpty(1).Max() * size) + 256);

        async Task<ClusterTarget> StartAsync(string name) => name switch
        {
            "mesh" => await MeshCluster.StartAsync(meshBinary, size, tls, cancellationToken).ConfigureAwait(false),
            "etcd" => await EtcdCluster.StartAsync(etcdBinary, size, tls, cancellationToken).ConfigureAwait(false),
            "unbatched" => await StartSwitchedAsync("unbatched", "MESH_FORWARD_BATCH_WINDOW", "0").ConfigureAwait(false),
            "ungrouped" => await StartSwitchedAsync("ungrouped", "MESH_PROPOSE_BATCH", "0").ConfigureAwait(false),
            "grouped" => await StartSwitchedAsync("grouped", "MESH_PROPOSE_BATCH", "1").ConfigureAwait(false),
            _ => throw new ArgumentException($"unknown target \"{name}\"; known: mesh, etcd, unbatched, ungrouped, grouped"),
        };

        // The same mesh build with one write-path switch flipped, for A/B runs in one session: "unbatched" forwards each
        // follower write as its own RPC (before issue 18's forwarded batches), "ungrouped" writes each command as its own
        // log entry (the default), "grouped" turns the leader's group commit on. The servers inherit this process's
        // environment while they start. A killed member restarted by the election phase would start without the switch,
        // so that phase runs "mesh" and "etcd" only.
        async Task<ClusterTarget> StartSwitchedAsync(string target, string variable, string value)
        {
            Environment.SetEnvironmentVariable(variable, value);
            try
            {
                return await MeshCluster.StartAsync(target, meshBinary, size, tls, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
        }

        await Console.Error.WriteLineAsync($"load average before: {LoadAverage.Read()}{(tls is null ? string.Empty : "  (TLS: HTTPS + client certificates, verified peer TLS)")}").ConfigureAwait(false);
        var runs = new List<WriteRunResult>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var level in levels)
            {
                foreach (var name in targets)
                {
                    await using var cluster = await StartAsync(name).ConfigureAwait(false);
                    var run = await ClosedLoopLoad.RunAsync(round, cluster, level, warmup, duration, cancellationToken).ConfigureAwait(false);
                    runs.Add(run);
                    await Console.Error.WriteLineAsync(
                        $"round {run.Round} {run.Target,-5} x{size} clients={run.Concurrency,-3} {run.WritesPerSecond,8:N0} writes/s  p50 {run.Latency.P50:N2} ms  p99 {run.Latency.P99:N2} ms  errors {run.Errors}{(run.FirstError is null ? string.Empty : $" (first: {run.FirstError})")}  load {LoadAverage.Read()}").ConfigureAwait(false);
                }
            }
        }

        var killed = new List<ElectionResult>();
        if (elections > 0)
        {
            foreach (var name in targets.Where(t => t is not ("unbatched" or "ungrouped")))
            {
                await using var cluster = await StartAsync(name).ConfigureAwait(false);
                killed.AddRange(await LeaderKill.RunAsync(cluster, elections, cancellationToken).ConfigureAwait(false));
            }
        }

        await Console.Error.WriteLineAsync($"load average after: {LoadAverage.Read()}").ConfigureAwait(false);
        if (runs.Count > 0)
        {
            Report.WriteRuns(runs);
            if (targets.Contains("mesh") && targets.Contains("etcd"))
            {
                Console.WriteLine();
                Report.WriteRatios(runs, "mesh", "etcd");
            }

            if (targets.Contains("unbatched") && targets.Contains("etcd"))
            {
                Console.WriteLine();
                Report.WriteRatios(runs, "unbatched", "etcd");
            }

            if (targets.Contains("mesh") && targets.Contains("unbatched"))
            {
                Console.WriteLine();
                Report.WriteRatios(runs, "mesh", "unbatched");
            }

            if (targets.Contains("mesh") && targets.Contains("ungrouped"))
            {
                Console.WriteLine();
                Report.WriteRatios(runs, "mesh", "ungrouped");
            }
        }

        if (killed.Count > 0)
        {
            Console.WriteLine();
            Report.WriteElections(killed, "mesh", "etcd");
        }

        return runs.All(run => run.Errors == 0 && run.Completed > 0) ? 0 : 1;
    }
}
