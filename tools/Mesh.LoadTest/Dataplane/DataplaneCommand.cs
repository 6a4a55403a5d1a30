using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Net.Client;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;
using Mesh.LoadTest.Xds;

namespace Mesh.LoadTest.Dataplane;

/// <summary>
/// <c>dataplane</c>: what <c>mesh dataplane</c> costs and how fast it fails over. A 3-server cluster, one web sidecar
/// (upstream db) and a dataplane process relaying to a follower. Phase 1: a delta stream straight to that follower and
/// one through the dataplane are open at once; db's endpoint port changes <c>--changes</c> times and each change's
/// arrival is timed on both, so the difference is the relay's extra latency. Phase 2, <c>--kills</c> rounds: the
/// server the dataplane relays to (found by its open-stream gauge; leadership is moved off it first, so no election is
/// in the measurement) is SIGKILLed, db's endpoint changes through the leader at once, and the time from the kill to
/// that change arriving through the dataplane (now relaying to another server) is recorded; the killed server is then
/// restarted and the cluster waited on before the next round.
/// </summary>
public static class DataplaneCommand
{
    private const int ProxyIndex = 0;
    private static readonly TimeSpan ArrivalBound = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("changes", "kills", "mesh-bin", "dataplane-log-level");
        var changes = options.Number("changes", 50);
        var kills = options.Number("kills", 20);
        var meshBinary = options.Text("mesh-bin", TargetLauncher.DefaultMeshBinary());

        await Log($"dataplane benchmark: load {LoadAverage.Read()}, {Environment.ProcessorCount} CPUs").ConfigureAwait(false);
        await using var cluster = await MeshCluster.StartAsync(meshBinary, 3, tls: null, cancellationToken).ConfigureAwait(false);
        using var probe = cluster.CreateProbeClient();
        var leader = await LeaderAsync(cluster, probe, cancellationToken).ConfigureAwait(false);
        using var writes = new HttpClient { BaseAddress = leader.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var writer = new MeshCatalogWriter(writes);
        await writer.RegisterWebSidecarAsync(ProxyIndex, cancellationToken).ConfigureAwait(false);
        await writer.RegisterDbInstanceAsync(0, cancellationToken).ConfigureAwait(false);
        await WaitAppliedEverywhereAsync(cluster, probe, cancellationToken).ConfigureAwait(false);

        // The dataplane tries the servers in the order given: followers first, so it relays to a follower.
        var relayed = cluster.Members.First(m => m != leader);
        var ordered = cluster.Members.OrderBy(m => m == relayed ? 0 : m == leader ? 2 : 1).Select(m => $"127.0.0.1:{Port(m.GrpcPort)}");
        var xdsPort = FreePort.Next();
        string[] dataplaneArgs =
        [
            "dataplane", "-addresses", string.Join(',', ordered), "-tls-disabled", "-proxy-id", MeshCatalogWriter.WebSidecarId(ProxyIndex),
            "-proxy-node-name", MeshCatalogWriter.WebNode(ProxyIndex), "-xds-bind-port", Port(xdsPort), "-log-level", options.Text("dataplane-log-level", "info"),
        ];
        await using var dataplane = ChildProcess.StartMesh(meshBinary, dataplaneArgs, Path.Combine(cluster.Members[0].Directory.FullName, "dataplane.log"));
        await WaitForListenerAsync(xdsPort, cancellationToken).ConfigureAwait(false);

        var tracker = new XdsStreamTracker(2);
        using var direct = GrpcChannel.ForAddress($"http://127.0.0.1:{Port(relayed.GrpcPort)}");
        using var viaDataplane = GrpcChannel.ForAddress($"http://127.0.0.1:{Port(xdsPort)}");
        using var directStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var streamsStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var proxyId = MeshCatalogWriter.WebSidecarId(ProxyIndex);
        var node = MeshCatalogWriter.WebNode(ProxyIndex);
        var directStream = XdsStreamClient.RunAsync(direct, 0, proxyId, node, tracker, directStop.Token);
        var relayedStream = XdsStreamClient.RunAsync(viaDataplane, 1, proxyId, node, tracker, streamsStop.Token);
        await tracker.Ready.All.WaitAsync(ArrivalBound, cancellationToken).ConfigureAwait(false);

        // Phase 1: push latency, direct and through the dataplane, for the same changes.
        var port = 30000;
        var directTicks = new List<long>();
        var relayedTicks = new List<long>();
        var extraTicks = new List<long>();
        for (var change = 0; change < changes; change++)
        {
            port++;
            var start = Stopwatch.GetTimestamp();
            var target = tracker.Expect((_, maxPort) => maxPort >= port, start);
            await writer.RegisterDbSidecarAsync(0, port, cancellationToken).ConfigureAwait(false);
            await target.All.WaitAsync(ArrivalBound, cancellationToken).ConfigureAwait(false);
            var times = tracker.PortReachedSince(port, start);
            directTicks.Add(times[0]);
            relayedTicks.Add(times[1]);
            extraTicks.Add(times[1] - times[0]);
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        await directStop.CancelAsync().ConfigureAwait(false);
        await directStream.ConfigureAwait(false);
        var directSummary = LatencySummary.FromTicks(directTicks);
        var relayedSummary = LatencySummary.FromTicks(relayedTicks);
        var extraSummary = LatencySummary.FromTicks(extraTicks);
        await Log($"push latency over {changes} changes (ms, from the write's start): direct p50 {directSummary.P50:F1} p99 {directSummary.P99:F1}; "
                  + $"through the dataplane p50 {relayedSummary.P50:F1} p99 {relayedSummary.P99:F1}; extra p50 {extraSummary.P50:F2} p99 {extraSummary.P99:F2} max {extraSummary.Max:F2}").ConfigureAwait(false);

        // Phase 2: failover.
        var failovers = new List<long>();
        var switches = new List<double>();
        for (var round = 1; round <= kills; round++)
        {
            await cluster.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            var serving = await RelayedServerAsync(cluster, probe, cancellationToken).ConfigureAwait(false);
            leader = await LeaderAsync(cluster, probe, cancellationToken).ConfigureAwait(false);
            await Log($"kill {round}: the dataplane relays to {serving.Name}; {leader.Name} leads").ConfigureAwait(false);
            if (serving == leader)
            {
                leader = await MoveLeadershipAsync(cluster, probe, serving, cancellationToken).ConfigureAwait(false);
            }

            using var leaderWrites = new HttpClient { BaseAddress = leader.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            port++;
            var killedAt = DateTimeOffset.UtcNow;
            var killed = Stopwatch.GetTimestamp();
            var arrived = tracker.Expect((_, maxPort) => maxPort >= port, killed);
            await serving.KillAsync().ConfigureAwait(false);
            await new MeshCatalogWriter(leaderWrites).RegisterDbSidecarAsync(0, port, cancellationToken).ConfigureAwait(false);
            var acknowledged = Stopwatch.GetElapsedTime(killed);
            await Log($"kill {round}: write acknowledged after {acknowledged.TotalMilliseconds:F0} ms").ConfigureAwait(false);
            try
            {
                // Only the relayed stream is open now; its arrival time is recorded when it happens, so polling costs no precision.
                var waiting = Stopwatch.GetTimestamp();
                while (!arrived.HasReached(1))
                {
                    if (Stopwatch.GetElapsedTime(waiting) > ArrivalBound)
                    {
                        throw new TimeoutException("the change did not arrive through the dataplane");
                    }

                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (TimeoutException)
            {
                await Log($"the change did not arrive through the dataplane; its log ends:\n{dataplane.Tail(40)}").ConfigureAwait(false);
                throw;
            }

            var elapsed = tracker.PortReachedSince(port, killed)[^1];
            failovers.Add(elapsed);
            var switched = RelaySwitchAfter(dataplane.LogPath, killedAt);
            if (switched is { } relay)
            {
                switches.Add(relay);
            }

            await Log($"kill {round}: {serving.Name} killed; write acknowledged by {leader.Name} after {acknowledged.TotalMilliseconds:F0} ms; "
                      + $"relay on another server after {(switched is { } ms ? ms.ToString("F0", CultureInfo.InvariantCulture) : "?")} ms; "
                      + $"the change arrived through the dataplane {elapsed * 1000.0 / Stopwatch.Frequency:F0} ms after the kill").ConfigureAwait(false);
            serving.Start();
        }

        await streamsStop.CancelAsync().ConfigureAwait(false);
        await relayedStream.ConfigureAwait(false);
        if (failovers.Count > 0)
        {
            var summary = LatencySummary.FromTicks(failovers);
            await Log($"failover over {failovers.Count} kills (ms from SIGKILL to the next change arriving through another server): "
                      + $"p50 {summary.P50:F0} p99 {summary.P99:F0} min {summary.Min:F0} max {summary.Max:F0}").ConfigureAwait(false);
            var sorted = switches.Order().ToArray();
            if (sorted.Length > 0)
            {
                await Log($"of which the relay's switch (ms from SIGKILL to its stream opened on another server, from its log): "
                          + $"p50 {sorted[(sorted.Length - 1) / 2]:F0} max {sorted[^1]:F0}").ConfigureAwait(false);
            }
        }

        await Log($"load after: {LoadAverage.Read()}; failed streams: {tracker.Failed}{(tracker.FirstError is { } error ? " (" + error + ")" : string.Empty)}").ConfigureAwait(false);
        return tracker.Failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Milliseconds from <paramref name="killedAt"/> to the dataplane's first "Relaying ... to" log line after it (its
    /// log lines start with an ISO-8601 UTC timestamp); null when there is none yet.
    /// </summary>
    private static double? RelaySwitchAfter(string logPath, DateTimeOffset killedAt)
    {
        string[] lines;
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (IOException)
        {
            return null;
        }

        foreach (var line in lines.Where(l => l.Contains("Relaying the delta xDS stream", StringComparison.Ordinal)))
        {
            var stamp = line.Split(' ', 2)[0];
            if (DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at > killedAt)
            {
                return (at - killedAt).TotalMilliseconds;
            }
        }

        return null;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static Task Log(string line) => Console.Out.WriteLineAsync(line);

    private static async Task<ClusterMember> LeaderAsync(MeshCluster cluster, HttpClient probe, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(deadline) < ArrivalBound)
        {
            foreach (var member in cluster.Members.Where(m => m.IsRunning))
            {
                if (await cluster.LeaderSeenByAsync(probe, member, cancellationToken).ConfigureAwait(false) is { } leader)
                {
                    return leader;
                }
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException("no leader");
    }

    /// <summary>Asks <paramref name="current"/> to hand leadership over, and waits for another server to lead.</summary>
    private static async Task<ClusterMember> MoveLeadershipAsync(MeshCluster cluster, HttpClient probe, ClusterMember current, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ArrivalBound)
        {
            try
            {
                // The transfer answers once a new leader is elected, which can take longer than a probe's timeout.
                using var transfer = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                using var response = await transfer.PostAsync(new Uri(current.BaseAddress, "/v1/operator/raft/transfer-leader"), null, cancellationToken).ConfigureAwait(false);
                _ = response.StatusCode; // a refusal while leadership moves is retried below
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                // checked below: whoever leads now
            }

            var leader = await LeaderAsync(cluster, probe, cancellationToken).ConfigureAwait(false);
            if (leader != current)
            {
                return leader;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"leadership did not move off {current.Name}");
    }

    /// <summary>The server whose open-stream gauge counts the dataplane's one relayed stream.</summary>
    private static async Task<ClusterMember> RelayedServerAsync(MeshCluster cluster, HttpClient probe, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ArrivalBound)
        {
            foreach (var member in cluster.Members.Where(m => m.IsRunning))
            {
                try
                {
                    using var response = await probe.GetAsync(new Uri(member.BaseAddress, "/v1/agent/metrics"), cancellationToken).ConfigureAwait(false);
                    using var metrics = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var streams = metrics.RootElement.GetProperty("Gauges").EnumerateArray()
                        .Where(g => g.GetProperty("Name").GetString() == "consul.xds.server.streams")
                        .Sum(g => g.GetProperty("Value").GetDouble());
                    if (streams >= 1)
                    {
                        return member;
                    }
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
                {
                    // restarting: asked again next pass
                }
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException("no server reports the dataplane's stream");
    }

    private static async Task WaitAppliedEverywhereAsync(MeshCluster cluster, HttpClient probe, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ArrivalBound)
        {
            var applied = 0;
            foreach (var member in cluster.Members)
            {
                try
                {
                    var body = await probe.GetStringAsync(new Uri(member.BaseAddress, "/v1/catalog/service/web-sidecar-proxy?stale"), cancellationToken).ConfigureAwait(false);
                    applied += body.Contains(MeshCatalogWriter.WebSidecarId(ProxyIndex), StringComparison.Ordinal) ? 1 : 0;
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                {
                }
            }

            if (applied == cluster.Members.Count)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException("the sidecar's registration did not reach every server");
    }

    private static async Task WaitForListenerAsync(int port, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ArrivalBound)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new TimeoutException("the dataplane's xDS listener did not open");
    }
}
