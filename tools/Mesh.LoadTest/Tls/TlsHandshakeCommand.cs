using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Tls;

/// <summary>
/// The cost of TLS on the HTTP API: one mesh server process with HTTP and HTTPS, <c>GET /v1/status/leader</c> in a
/// closed loop over (a) plain HTTP with a new connection per request, (b) HTTPS with a new connection and a full
/// handshake per request (a new client per request, so no session resumption), (c) HTTPS on kept-alive connections;
/// then again with <c>tls.https.verify_incoming</c> (a client certificate checked on every handshake). Server CPU per
/// request comes from /proc, so the handshake's server-side cost is (b) minus (a).
/// </summary>
public static class TlsHandshakeCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("concurrency", "duration", "warmup", "mesh-bin");
        var concurrency = options.Number("concurrency", 8);
        var duration = options.Seconds("duration", 10);
        var warmup = options.Seconds("warmup", 2);
        var meshBinary = options.Text("mesh-bin") ?? TargetLauncher.DefaultMeshBinary();
        var folder = Directory.CreateTempSubdirectory("mesh-tls-bench-");
        try
        {
            var files = TlsFiles.Create(folder.FullName);
            Console.WriteLine($"TLS handshake cost on the HTTP API: GET /v1/status/leader, concurrency {concurrency}, {duration.TotalSeconds:0}s per mode, ECDSA P-256, {Environment.ProcessorCount} cores");
            Console.WriteLine("| verify_incoming | mode | requests/s | p50 ms | p99 ms | server CPU µs/request |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
            foreach (var verifyIncoming in new[] { false, true })
            {
                await using var server = await TlsMeshServer.StartAsync(meshBinary, files, verifyIncoming, folder.FullName, cancellationToken).ConfigureAwait(false);
                var modes = new (string Name, Func<HttpClient> Client, Uri Base)[]
                {
                    ("http, new connection", () => NewClient(files, verifyIncoming, keepAlive: false), server.Http),
                    ("https, new connection + full handshake", () => NewClient(files, verifyIncoming, keepAlive: false), server.Https),
                    ("https, keep-alive", () => NewClient(files, verifyIncoming, keepAlive: true), server.Https),
                };
                foreach (var (name, factory, baseAddress) in modes)
                {
                    var perRequestClient = !name.Contains("keep-alive", StringComparison.Ordinal);
                    await MeasureAsync(server.Probe, baseAddress, factory, perRequestClient, concurrency, warmup, cancellationToken).ConfigureAwait(false);
                    var result = await MeasureAsync(server.Probe, baseAddress, factory, perRequestClient, concurrency, duration, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {(verifyIncoming ? "on" : "off")} | {name} | {result.PerSecond:0} | {result.Latency.P50:0.00} | {result.Latency.P99:0.00} | {result.CpuMicrosPerRequest:0} |"));
                }
            }

            Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed record Result(double PerSecond, LatencySummary Latency, double CpuMicrosPerRequest);

    private static async Task<Result> MeasureAsync(ProcessProbe probe, Uri baseAddress, Func<HttpClient> factory, bool perRequestClient, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new List<long>[concurrency];
        var cpuBefore = probe.CpuTime();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var own = latencies[worker] = [];
            using var shared = perRequestClient ? null : factory();
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                using var client = perRequestClient ? factory() : null;
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, "/v1/status/leader"));
                request.Headers.ConnectionClose = perRequestClient;
                using var response = await (client ?? shared!).SendAsync(request, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                own.Add(Stopwatch.GetTimestamp() - started);
            }
        })).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var cpu = probe.CpuTime() - cpuBefore;
        var all = latencies.SelectMany(l => l).ToList();
        return new Result(all.Count / elapsed.TotalSeconds, LatencySummary.FromTicks(all), all.Count == 0 ? 0 : cpu.TotalMicroseconds / all.Count);
    }

    private static HttpClient NewClient(TlsFiles files, bool clientCertificate, bool keepAlive)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(files.CaFile);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = keepAlive ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 presented && chain.Build(presented);
                },
                ClientCertificates = clientCertificate ? [X509Certificate2.CreateFromPemFile(files.ClientCert, files.ClientKey)] : null,
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
