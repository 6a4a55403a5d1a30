using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mesh.FaultTest.Checking;
using Mesh.FaultTest.Cluster;
using Mesh.FaultTest.Workload;

namespace Mesh.FaultTest.Faults;

/// <summary>
/// Starts the cluster and the workload, runs the planned fault rounds (each followed by the fuzzy-test invariants:
/// every server back, all at the same applied index with equal state digests, every acknowledged write of the round on
/// every server), then the final checks (all acknowledged writes, linearizability of every key's history). Servers,
/// namespaces and mounts are removed whatever happens.
/// </summary>
public static class FaultRun
{
    public static IReadOnlyList<Fault> AllFaults { get; } =
        [new LeaderKill(), new FollowerKill(), new Pause(), new Partition(), new ClusterCrash(), new RemovedServerReturns(), new WalTruncation(), new DiskFull()];

    public static async Task<FaultRunResult> RunAsync(FaultRunOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => log($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}");

        RemoveStaleMounts();
        var useNamespaces = options.Network switch
        {
            "netns" => true,
            "loopback" => false,
            "auto" => Shell.IsRoot,
            _ => throw new ArgumentException($"unknown network \"{options.Network}\" (auto, netns, loopback)"),
        };
        ClusterNetwork network = useNamespaces ? new NamespaceNetwork() : new LoopbackNetwork();
        var workDir = Path.Combine(Path.GetTempPath(), $"mesh-fault-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{options.Seed.ToString(CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(workDir);
        var random = new Random(options.Seed);
        var tallies = new SortedDictionary<string, FaultTally>(StringComparer.Ordinal);
        var observations = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var lost = 0;
        var mismatches = 0;
        var aborted = false;
        FaultCluster? cluster = null;
        ClusterWorkload? workload = null;
        using var stopWorkload = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IReadOnlyList<Task> clients = [];
        try
        {
            var plan = Plan(options.Plan, random);
            Log($"seed {options.Seed}, network {network.Name}, {options.Servers} servers, plan of {plan.Count} rounds, data in {workDir}");
            cluster = await FaultCluster.StartAsync(network, options.Servers, options.MeshDll, workDir, options.SnapshotThreshold, options.DeadServerThreshold, Log, cancellationToken).ConfigureAwait(false);
            Log("cluster formed");
            var rounds = Stopwatch.StartNew(); // --duration counts from here: forming takes minutes on a loaded machine
            workload = new ClusterWorkload(cluster, options.Seed);
            clients = workload.Start(options.Writers, options.Readers, options.DurableWriters, stopWorkload.Token);
            var context = new FaultContext(cluster, workload, random, Log, observations);

            var round = 0;
            foreach (var fault in plan)
            {
                if (aborted)
                {
                    break;
                }

                if ((options.Rounds > 0 && round >= options.Rounds) || rounds.Elapsed > options.Duration)
                {
                    break;
                }

                if (!fault.IsAvailable(cluster))
                {
                    continue;
                }

                round++;
                workload.Round = round;
                var tally = tallies.TryGetValue(fault.Name, out var t) ? t : tallies[fault.Name] = new FaultTally();
                tally.Rounds++;
                await Task.Delay(context.Between(0.3, 1.0), cancellationToken).ConfigureAwait(false);
                string? failure;
                try
                {
                    failure = await fault.RunAsync(context, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException error)
                {
                    failure = error.Message;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                try
                {
                    var recovery = await RecoverAsync(cluster, Log, cancellationToken).ConfigureAwait(false);
                    failure = failure is null ? recovery : recovery is null ? failure : failure + "; " + recovery;
                }
                catch (TimeoutException error)
                {
                    failure = (failure is null ? string.Empty : failure + "; ") + "the cluster could not be recovered, the run ends here: " + error.Message;
                    aborted = true;
                }

                await workload.PauseAsync().ConfigureAwait(false);
                var (digestsEqual, roundLost) = await CheckRoundAsync(cluster, workload, round, Log, cancellationToken).ConfigureAwait(false);
                workload.Resume();
                if (!digestsEqual)
                {
                    tally.DigestMismatches++;
                    mismatches++;
                }

                tally.LostWrites += roundLost;
                lost += roundLost;
                if (failure is not null)
                {
                    tally.Failures++;
                    failures.Add($"round {round} ({fault.Name}): {failure}");
                    Log($"round {round} {fault.Name} FAILED: {failure}");
                }
                else
                {
                    Log($"round {round} {fault.Name} ok ({workload.Acknowledged} acknowledged so far)");
                }
            }

            await workload.PauseAsync().ConfigureAwait(false);
            await stopWorkload.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(clients).ConfigureAwait(false);
            if (!aborted)
            {
                await RecoverAsync(cluster, Log, cancellationToken).ConfigureAwait(false);
            }

            var finalStates = await cluster.SettledStatesAsync(TimeSpan.FromSeconds(180), cancellationToken).ConfigureAwait(false);
            if (finalStates is null || finalStates.Select(s => s.Digest).Distinct(StringComparer.Ordinal).Count() != 1)
            {
                mismatches++;
                failures.Add("final: servers did not settle on one applied index and digest: " + FaultCluster.Describe(finalStates ?? cluster.LastStates));
            }
            else
            {
                Log($"final: every server at index {finalStates[0].AppliedIndex} with digest {finalStates[0].Digest[..16]}");
            }

            // Every acknowledged write of every round, on every server (a later fault must not have lost it either).
            // Lost: missing on a majority (no longer recoverable from the cluster). Missing only on a minority means
            // a server never caught up: the fuzzy-test invariant fails too, but nothing is gone.
            var (finalLost, notEverywhere) = await MissingDurableByServersAsync(cluster, workload.Durable, Log, cancellationToken).ConfigureAwait(false);
            lost = Math.Max(lost, finalLost);
            if (notEverywhere > 0)
            {
                failures.Add($"final: {notEverywhere} acknowledged writes missing on some server ({finalLost} of them on a majority)");
            }

            Log($"checking linearizability of {workload.History.Count} operations");
            var linearizability = LinearizabilityChecker.Check(workload.History);
            foreach (var violation in linearizability.Where(r => !r.Linearizable))
            {
                Log($"NOT linearizable: key {violation.Key}: {violation.Explanation}; its history (times from its first call):{Environment.NewLine}"
                    + HistoryText.Render(workload.History.Where(o => o.Key == violation.Key)));
            }

            return new FaultRunResult(options.Seed, network.Name, clock.Elapsed, tallies, new SortedDictionary<string, int>(observations, StringComparer.Ordinal),
                workload.Acknowledged, workload.Ambiguous, workload.Reads, lost, mismatches, linearizability, failures,
                new SortedDictionary<string, int>(workload.Statuses.ToDictionary(), StringComparer.Ordinal));
        }
        finally
        {
            await stopWorkload.CancelAsync().ConfigureAwait(false);
            workload?.Resume();
            workload?.Dispose();
            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await network.DisposeAsync().ConfigureAwait(false);
            }

            RemoveStaleMounts();
            if (!options.KeepData)
            {
                try
                {
                    Directory.Delete(workDir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static List<Fault> Plan(string plan, Random random)
    {
        var rounds = new List<Fault>();
        foreach (var item in plan.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=');
            var fault = AllFaults.FirstOrDefault(f => f.Name == parts[0])
                ?? throw new ArgumentException($"unknown fault \"{parts[0]}\"; known: {string.Join(", ", AllFaults.Select(f => f.Name))}");
            var count = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
            rounds.AddRange(Enumerable.Repeat(fault, count));
        }

        // Every kind once first (so a short run covers them all), the rest shuffled with the seed.
        var firsts = rounds.Distinct().ToList();
        var rest = rounds.ToList();
        foreach (var first in firsts)
        {
            rest.Remove(first);
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rest));
        return [.. firsts, .. rest];
    }

    /// <summary>
    /// Waits for a healthy cluster; a message if it was not healthy within 90 s. Then escalates as an operator would:
    /// resume and restart servers that are down, paused or know no leader; and as a last resort move the data folder
    /// of a server that still knows no leader away so it rejoins as a new server (logged as a failure of the round).
    /// Throws when even that leaves the cluster unhealthy, which ends the run.
    /// </summary>
    private static async Task<string?> RecoverAsync(FaultCluster cluster, Action<string> log, CancellationToken cancellationToken)
    {
        if (await FaultCluster.WaitUntilAsync(() => cluster.IsHealthyAsync(cancellationToken), TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var message = "cluster not healthy 90s after the fault healed:\n" + await DescribeHealthAsync(cluster, cancellationToken).ConfigureAwait(false);
        log(message);
        foreach (var server in await StuckAsync(cluster, cancellationToken).ConfigureAwait(false))
        {
            log($"restarting {server.Name}");
            await server.KillAsync().ConfigureAwait(false);
            server.Start();
        }

        if (await FaultCluster.WaitUntilAsync(() => cluster.IsHealthyAsync(cancellationToken), TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false))
        {
            return message + "\n(healthy again after restarting the stuck servers)";
        }

        foreach (var server in await StuckAsync(cluster, cancellationToken).ConfigureAwait(false))
        {
            log($"moving the data folder of {server.Name} away; it rejoins as a new server");
            await server.KillAsync().ConfigureAwait(false);
            var aside = server.DataDir + ".stuck-" + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);
            Directory.Move(server.DataDir, aside);
            Directory.CreateDirectory(server.DataDir);
            server.Start();
        }

        await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        return message + "\n(healthy again only after a stuck server's data folder was moved away)";
    }

    /// <summary>Servers that are down, paused, or do not name the leader the others name.</summary>
    private static async Task<List<ServerProcess>> StuckAsync(FaultCluster cluster, CancellationToken cancellationToken)
    {
        foreach (var server in cluster.Servers.Where(s => s.IsStopped))
        {
            await server.ResumeAsync().ConfigureAwait(false);
        }

        var leaders = await Task.WhenAll(cluster.Servers.Select(s => FaultCluster.StringAsync(s, "/v1/status/leader", cancellationToken))).ConfigureAwait(false);
        var majority = leaders.Where(l => !string.IsNullOrEmpty(l)).GroupBy(l => l).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
        return [.. cluster.Servers.Where((s, i) => !s.IsRunning || string.IsNullOrEmpty(leaders[i]) || leaders[i] != majority || (majority is not null && s.ServerAddress == majority && leaders.Count(l => l == majority) < 2))];
    }

    private static async Task<string> DescribeHealthAsync(FaultCluster cluster, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var server in cluster.Servers)
        {
            var leader = await FaultCluster.StringAsync(server, "/v1/status/leader", cancellationToken).ConfigureAwait(false);
            var peers = await cluster.PeerCountAsync(server, cancellationToken).ConfigureAwait(false);
            var state = await FaultCluster.StateAsync(server, cancellationToken).ConfigureAwait(false);
            lines.Add($"  {server.Name}: running={server.IsRunning} exit={server.ExitCode} leader=\"{leader}\" peers={peers} applied={state?.AppliedIndex}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// After a round: all servers at one applied index with one digest, and every write acknowledged in the round on
    /// every server. A server still behind after 60 s is reported as lagging (a liveness problem), and its writes are
    /// judged by the final check; writes missing once all servers are at the same index are lost.
    /// </summary>
    private static async Task<(bool DigestsEqual, int Lost)> CheckRoundAsync(FaultCluster cluster, ClusterWorkload workload, int round, Action<string> log, CancellationToken cancellationToken)
    {
        var states = await cluster.SettledStatesAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (states is null)
        {
            log("LAGGING: servers did not reach one applied index within 60s: " + FaultCluster.Describe(cluster.LastStates));
            return (true, 0);
        }

        var equal = states.Select(s => s.Digest).Distinct(StringComparer.Ordinal).Count() == 1;
        if (!equal)
        {
            log("DIGEST MISMATCH at one applied index: " + FaultCluster.Describe(states));
        }

        var lost = await MissingDurableAsync(cluster, workload.Durable.Where(d => d.Round == round), log, cancellationToken).ConfigureAwait(false);
        if (lost > 0)
        {
            log($"LOST {lost} acknowledged writes of round {round}");
        }

        return (equal, lost);
    }

    /// <summary>How many acknowledged durability writes are missing on at least one server (read locally, ?stale).</summary>
    private static async Task<int> MissingDurableAsync(FaultCluster cluster, IEnumerable<(int Round, string Id)> acknowledged, Action<string> log, CancellationToken cancellationToken)
        => (await MissingDurableByServersAsync(cluster, acknowledged, log, cancellationToken).ConfigureAwait(false)).NotEverywhere;

    /// <summary>Acknowledged writes missing on a majority of servers (lost), and missing on at least one.</summary>
    private static async Task<(int OnMajority, int NotEverywhere)> MissingDurableByServersAsync(FaultCluster cluster, IEnumerable<(int Round, string Id)> acknowledged, Action<string> log, CancellationToken cancellationToken)
    {
        var missing = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in acknowledged.GroupBy(d => d.Round))
        {
            foreach (var server in cluster.Servers)
            {
                var present = await ServiceIdsAsync(server, ClusterWorkload.DurableService(group.Key), cancellationToken).ConfigureAwait(false);
                var absent = group.Where(d => !present.Contains(d.Id)).Select(d => d.Id).ToList();
                if (absent.Count > 0)
                {
                    log($"{server.Name} lacks {absent.Count} acknowledged writes of round {group.Key}: {string.Join(", ", absent.Take(5))}");
                }

                foreach (var id in absent)
                {
                    missing[id] = missing.GetValueOrDefault(id) + 1;
                }
            }
        }

        return (missing.Values.Count(n => n > cluster.Servers.Count / 2), missing.Count);
    }

    private static async Task<HashSet<string>> ServiceIdsAsync(ServerProcess server, string service, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var text = await server.Http.GetStringAsync($"/v1/catalog/service/{service}?stale", cancellationToken).ConfigureAwait(false);
                return [.. JsonDocument.Parse(text).RootElement.EnumerateArray().Select(e => e.GetProperty("ServiceID").GetString()!)];
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= 5)
                {
                    return []; // unreachable: counts as lacking everything
                }

                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>tmpfs mounts left under a fault run's folder by a harness that was killed.</summary>
    private static void RemoveStaleMounts()
    {
        if (!File.Exists("/proc/mounts"))
        {
            return;
        }

        foreach (var line in File.ReadAllLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && fields[2] == "tmpfs" && fields[1].Contains("/mesh-fault-", StringComparison.Ordinal))
            {
                var pid = fields[1].Split("/mesh-fault-")[1].Split('-')[0];
                if (pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) || !Directory.Exists($"/proc/{pid}"))
                {
                    Shell.RunAsync("umount", ["-l", fields[1]], check: false).GetAwaiter().GetResult();
                }
            }
        }
    }
}
