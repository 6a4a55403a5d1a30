using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.ConnectBench;

// Throughput, new connections/s and round-trip latency of the same echo traffic over three paths, in one run:
// direct loopback TCP, a socat relay, and two `mesh connect proxy` hops (web's upstream listener -> mTLS -> db's
// public listener). Usage: dotnet run -c Release --project tools/Mesh.ConnectBench -- [--mb 256] [--seconds 10] [--pings 5000]
var mb = Arg("--mb", 256);
var seconds = Arg("--seconds", 10);
var pings = Arg("--pings", 5000);
var parallel = Arg("--parallel", 4);

await using var backend = new EchoServer();
await using var topology = await Topology.StartAsync(backend.Port);
var paths = new List<(string Name, int Port)> { ("direct loopback TCP", backend.Port) };
if (topology.SocatPort is int socat)
{
    paths.Add(("socat relay (1 hop)", socat));
}

paths.Add(("mesh connect proxy (2 hops, mTLS)", topology.UpstreamPort));
Console.WriteLine($"# load average before: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores");
Console.WriteLine($"# {mb} MiB echoed per throughput run ({parallel} connections in parallel and 1); {seconds} s of connect/echo/close per rate run; {pings} pings of 64 B");
var results = new List<string[]>();
foreach (var (name, port) in paths)
{
    await Measure.WarmUpAsync(port);
    var single = await Measure.ThroughputAsync(port, mb, 1);
    var multi = await Measure.ThroughputAsync(port, mb, parallel);
    var rate = await Measure.ConnectionRateAsync(port, TimeSpan.FromSeconds(seconds), parallel);
    var (p50, p99) = await Measure.LatencyAsync(port, pings);
    results.Add([name, F(single), F(multi), F(rate), F(p50), F(p99)]);
    Console.WriteLine($"# {name}: done (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
}

Console.WriteLine();
Console.WriteLine($"| path | MB/s, 1 conn | MB/s, {parallel} conns | new conns/s ({parallel} loops) | RTT p50 µs | RTT p99 µs |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
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
