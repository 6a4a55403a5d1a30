using System.Globalization;
using System.Text.Json;

namespace Mesh.FaultTest.Cluster;

/// <summary>A cluster of real <c>mesh</c> server processes formed with <c>-bootstrap-expect</c> and <c>-retry-join</c>.</summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private readonly Action<string> _log;

    private FaultCluster(ClusterNetwork network, string workDir, IReadOnlyList<ServerProcess> servers, Action<string> log)
    {
        Network = network;
        WorkDir = workDir;
        Servers = servers;
        _log = log;
    }

    public ClusterNetwork Network { get; }

    public string WorkDir { get; }

    public IReadOnlyList<ServerProcess> Servers { get; }

    public static async Task<FaultCluster> StartAsync(ClusterNetwork network, int size, string meshDll, string workDir, int snapshotThreshold, TimeSpan? deadServerThreshold, Action<string> log, CancellationToken cancellationToken)
    {
        await network.SetupAsync(size).ConfigureAwait(false);
        var configFile = Path.Combine(workDir, "autopilot.json");
        await File.WriteAllTextAsync(configFile, deadServerThreshold is { } threshold
            ? "{\"autopilot\": {\"dead_server_threshold\": \"" + Int((int)threshold.TotalSeconds) + "s\"}}"
            : "{}", cancellationToken).ConfigureAwait(false);
        var joins = Enumerable.Range(0, size).Select(i => $"-retry-join={network.BindAddress(i)}:{Int(network.ServerPort(i))}").ToList();
        var servers = new List<ServerProcess>();
        for (var i = 0; i < size; i++)
        {
            var dataDir = Path.Combine(workDir, $"s{i}", "data");
            Directory.CreateDirectory(dataDir);
            List<string> args =
            [
                "agent", "-server", $"-node=s{i}", $"-data-dir={dataDir}", $"-bootstrap-expect={Int(size)}",
                $"-bind={network.BindAddress(i)}", $"-client={network.BindAddress(i)}",
                $"-server-port={Int(network.ServerPort(i))}", $"-http-port={Int(network.HttpPort(i))}", $"-grpc-port={Int(network.GrpcPort(i))}",
                "-log-level=warn", $"-raft-snapshot-threshold={Int(snapshotThreshold)}", $"-config-file={configFile}",
            ];
            args.AddRange(joins);
            servers.Add(new ServerProcess(i, $"s{i}", network.Launcher(i, meshDll), args,
                new Uri($"http://{network.BindAddress(i)}:{Int(network.HttpPort(i))}"),
                $"{network.BindAddress(i)}:{Int(network.ServerPort(i))}", dataDir, Path.Combine(workDir, $"s{i}", "server.log")));
        }

        var cluster = new FaultCluster(network, workDir, servers, log);
        foreach (var server in servers)
        {
            server.Start();
        }

        await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(180), cancellationToken).ConfigureAwait(false);
        return cluster;
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The server every running server names as leader, or null when they disagree or none is known.</summary>
    public async Task<ServerProcess?> LeaderAsync(IEnumerable<ServerProcess>? among = null, CancellationToken cancellationToken = default)
    {
        var asked = (among ?? Servers).Where(s => s.IsRunning && !s.IsStopped).ToList();
        var answers = await Task.WhenAll(asked.Select(s => StringAsync(s, "/v1/status/leader", cancellationToken))).ConfigureAwait(false);
        if (answers.Length == 0 || answers.Any(a => string.IsNullOrEmpty(a)) || answers.Distinct(StringComparer.Ordinal).Count() != 1)
        {
            return null;
        }

        return Servers.FirstOrDefault(s => s.ServerAddress == answers[0]);
    }

    public async Task<int?> PeerCountAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await server.Http.GetAsync("/v1/status/peers", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).RootElement.GetArrayLength();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>True when every server runs, all name the same leader and every one sees the full configuration.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (Servers.Any(s => !s.IsRunning || s.IsStopped))
        {
            return false;
        }

        if (await LeaderAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        var peers = await Task.WhenAll(Servers.Select(s => PeerCountAsync(s, cancellationToken))).ConfigureAwait(false);
        return peers.All(p => p == Servers.Count);
    }

    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await WaitUntilAsync(() => IsHealthyAsync(cancellationToken), timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException($"cluster not healthy after {timeout.TotalSeconds:0}s:\n" + Describe());
        }
    }

    public string Describe() => string.Join("\n", Servers.Select(s => $"--- {s.Name} running={s.IsRunning} exit={s.ExitCode}\n{s.Tail(8)}"));

    /// <summary>
    /// Applied index and digests of every server once all report the same applied index twice in a row, half a second
    /// apart (writers are paused, so the index is final); null on timeout. <see cref="LastStates"/> keeps the last poll.
    /// </summary>
    public async Task<IReadOnlyList<ServerState>?> SettledStatesAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        IReadOnlyList<ServerState>? settled = null;
        long previous = -1;
        await WaitUntilAsync(async () =>
        {
            var states = await Task.WhenAll(Servers.Select(s => StateAsync(s, cancellationToken))).ConfigureAwait(false);
            LastStates = [.. states.Select((s, i) => s ?? new ServerState(Servers[i].Name, -1, -1, "unreachable", "unreachable"))];
            if (states.Any(s => s is null) || states.Select(s => s!.AppliedIndex).Distinct().Count() != 1)
            {
                previous = -1;
                return false;
            }

            if (states[0]!.AppliedIndex != previous)
            {
                previous = states[0]!.AppliedIndex;
                await Task.Delay(400, cancellationToken).ConfigureAwait(false);
                return false;
            }

            settled = [.. states.Select(s => s!)];
            return true;
        }, timeout, cancellationToken).ConfigureAwait(false);
        return settled;
    }

    /// <summary>The states seen by the last poll of <see cref="SettledStatesAsync"/>, for failure messages.</summary>
    public IReadOnlyList<ServerState> LastStates { get; private set; } = [];

    public static string Describe(IEnumerable<ServerState> states)
        => string.Join("; ", states.Select(s => $"{s.Server}@{s.AppliedIndex} (commit {s.CommitIndex}) {s.Digest[..Math.Min(12, s.Digest.Length)]}"));

    public static async Task<ServerState?> StateAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await server.Http.GetAsync("/v1/internal/mesh/state", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).RootElement;
            return new ServerState(server.Name, root.GetProperty("AppliedIndex").GetInt64(), root.GetProperty("CommitIndex").GetInt64(),
                root.GetProperty("Digest").GetString()!, root.GetProperty("ContentDigest").GetString()!);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    public static async Task<string?> StringAsync(ServerProcess server, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await server.Http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).RootElement.GetString()
                : null;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public void Log(string line) => _log(line);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        await Network.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>One server's <c>/v1/internal/mesh/state</c>.</summary>
public sealed record ServerState(string Server, long AppliedIndex, long CommitIndex, string Digest, string ContentDigest);
