using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.ConnectBench;

// Throughput, new connections/s and round-trip latency of the same echo traffic over three paths, in one run:
// direct loopback TCP, a socat relay, and two `mesh connect proxy` hops (web's upstream listener -> mTLS -> db's
// public listener), plus a ceiling row: one TLS link with SslStream at both ends and no proxy. Usage:
// dotnet run -c Release --project tools/Mesh.ConnectBench -- [--mb 256] [--seconds 10] [--pings 5000] [--parallel 4]
// [--warmup-mb 32] [--settle-seconds 60] [--only <part of a row name>] [--mesh <another build's mesh.dll, e.g. a baseline>]
var mb = Arg("--mb", 256);
var seconds = Arg("--seconds", 10);
var pings = Arg("--pings", 5000);
var parallel = Arg("--parallel", 4);

var warmup = Arg("--warmup-mb", 32);
var settle = Arg("--settle-seconds", 60);
var only = Text("--only");
var meshDll = Text("--mesh");

await using var backend = new EchoServer();
using var certificate = EchoServer.SelfSigned();
await using var tlsBackend = new EchoServer(certificate);
await using var topology = await Topology.StartAsync(backend.Port, meshDll);
if (meshDll is not null)
{
    Console.WriteLine($"# proxies and server: {meshDll}");
}

var paths = new List<BenchPath> { new("direct loopback TCP", backend.Port) };
if (topology.SocatPort is int socat)
{
    paths.Add(new("socat relay (1 hop)", socat));
}

paths.Add(new("mesh connect proxy (2 hops, mTLS)", topology.UpstreamPort));
paths.Add(new("ceiling: 1 TLS link, SslStream both ends, no proxy", tlsBackend.Port, certificate.GetCertHashString()));
if (only is not null)
{
    paths.RemoveAll(p => !p.Name.Contains(only, StringComparison.OrdinalIgnoreCase));
}

Console.WriteLine($"# load average before: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores");
Console.WriteLine($"# {mb} MiB echoed per throughput run ({parallel} connections in parallel and 1); {seconds} s of connect/echo/close per rate run; {pings} pings of 64 B; warm-up {warmup} MiB x3 per path");
var results = new List<string[]>();
foreach (var path in paths)
{
    await Measure.WarmUpAsync(path, warmup);
    IReadOnlyList<int> others = path.Name.StartsWith("mesh", StringComparison.Ordinal) ? topology.ProxyProcessIds : path.Name.StartsWith("socat", StringComparison.Ordinal) ? topology.SocatProcessIds : [];
    IEnumerable<int> processes = [Environment.ProcessId, .. others];
    if (others.Count > 0)
    {
        var waited = await CpuClock.SettleAsync(others, TimeSpan.FromSeconds(settle));
        Console.WriteLine($"# {path.Name}: its processes settled (background JIT done) after {waited.TotalSeconds:0} s");
    }

    var cpuBefore = CpuClock.Of(processes);
    var single = await Measure.ThroughputAsync(path, mb, 1);
    var cpuPerMiB = (CpuClock.Of(processes) - cpuBefore).TotalMilliseconds / mb;
    var multi = await Measure.ThroughputAsync(path, mb, parallel);
    var rate = await Measure.ConnectionRateAsync(path, TimeSpan.FromSeconds(seconds), parallel);
    var (p50, p99) = await Measure.LatencyAsync(path, pings);
    results.Add([path.Name, F(single), F(multi), cpuPerMiB.ToString("0.00", CultureInfo.InvariantCulture), F(rate), F(p50), F(p99)]);
    Console.WriteLine($"# {path.Name}: done (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
}

Console.WriteLine();
Console.WriteLine($"| path | MB/s, 1 conn | MB/s, {parallel} conns | CPU ms per MiB, 1 conn | new conns/s ({parallel} loops) | RTT p50 µs | RTT p99 µs |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var row in results)
{
    Console.WriteLine($"| {string.Join(" | ", row)} |");
}

Console.WriteLine($"# load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

static string F(double value) => value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string? Text(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
