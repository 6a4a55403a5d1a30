using System.Diagnostics;
using System.Globalization;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Startup;

/// <summary>
/// Issue 18 item 4: time from process start to the first answer of <c>mesh agent -dev</c>. For each binary, runs times:
/// start the process (fresh data folder, free loopback ports), poll <c>GET /v1/status/leader</c> every 2 ms and note
/// when the HTTP listener first answers and when it names a leader, and the CPU time (user + system, all threads) the
/// process had used by then, then stop it. CPU time is what a loaded machine changes least: wall time there is mostly
/// waiting for a core. Binaries are interleaved run by run so a change in machine load hits them alike. A "binary"
/// may be a script that sets DOTNET_* knobs and execs the real one (its process id, so its CPU time, is kept).
/// </summary>
public static class StartupCommand
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("mesh-bin", "runs");
        var binaries = options.List("mesh-bin", TargetLauncher.DefaultMeshBinary());
        var runs = options.Number("runs", 10);
        var results = binaries.ToDictionary(b => b, _ => new List<(double Listening, double Leader, double Cpu)>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var binary in binaries)
            {
                var sample = await StartOnceAsync(binary, cancellationToken).ConfigureAwait(false);
                results[binary].Add(sample);
                await Console.Error.WriteLineAsync(FormattableString.Invariant($"  run {run + 1} {binary}: listening {sample.Listening:F0} ms, leader {sample.Leader:F0} ms, CPU {sample.Cpu:F0} ms (load {LoadAverage()})")).ConfigureAwait(false);
            }
        }

        Console.WriteLine($"mesh agent -dev, {runs} starts each, interleaved; machine load at the end {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| binary | first HTTP answer ms (median) | leader known ms (median / min / max) | CPU ms until then (median / min / max) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (binary, samples) in results)
        {
            var leader = samples.Select(s => s.Leader).Order().ToList();
            var cpu = samples.Select(s => s.Cpu).Order().ToList();
            Console.WriteLine(FormattableString.Invariant($"| {binary} | {Median(samples.Select(s => s.Listening)):F0} | {Median(leader):F0} / {leader[0]:F0} / {leader[^1]:F0} | {Median(cpu):F0} / {cpu[0]:F0} / {cpu[^1]:F0} |"));
        }

        return 0;
    }

    private static async Task<(double Listening, double Leader, double Cpu)> StartOnceAsync(string binary, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-startup-");
        try
        {
            var httpPort = FreePort.Next();
            string[] agent =
            [
                "agent", "-dev", "-node", "startup", "-data-dir", Path.Combine(directory.FullName, "data"), "-log-level", "warn",
                "-http-port", Port(httpPort), "-grpc-port", Port(FreePort.Next()), "-server-port", Port(FreePort.Next()),
            ];
            var started = Stopwatch.GetTimestamp();
            await using var process = ChildProcess.StartMesh(binary, agent, Path.Combine(directory.FullName, "mesh.log"));
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
            var probe = new Uri($"http://127.0.0.1:{httpPort}/v1/status/leader");
            double? listening = null;
            while (Stopwatch.GetElapsedTime(started) < StartBound)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"mesh exited during start; log {process.LogPath}:{Environment.NewLine}{process.Tail()}");
                }

                try
                {
                    using var response = await http.GetAsync(probe, cancellationToken).ConfigureAwait(false);
                    listening ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode && body.Trim('"', ' ', '\n').Length > 0)
                    {
                        var leader = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        return (listening.Value, leader, CpuMilliseconds(process.Id));
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // One probe outlasted its 2 s timeout (a busy machine): the next one is sent at once.
                }

                await Task.Delay(2, cancellationToken).ConfigureAwait(false);
            }

            throw new TimeoutException($"mesh named no leader within {StartBound.TotalSeconds:F0} s; log {process.LogPath}:{Environment.NewLine}{process.Tail()}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>User + system CPU time of a live process in ms, from /proc (clock ticks of 10 ms); NaN elsewhere.</summary>
    private static double CpuMilliseconds(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return double.NaN;
        }

        // Fields after the command name (which may hold spaces): state ppid ... utime (12th) stime (13th).
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
