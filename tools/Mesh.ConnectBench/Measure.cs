using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;

namespace Mesh.ConnectBench;

/// <summary>One path under test: a listening port that echoes, spoken to in plaintext or (the ceiling row) TLS.</summary>
internal sealed record BenchPath(string Name, int Port, string? PinnedCertificateHash = null)
{
    public bool Tls => PinnedCertificateHash is not null;
}

/// <summary>The three measurements, each against one path.</summary>
internal static class Measure
{
    /// <summary>
    /// Runs traffic through the path until the processes on it have compiled their hot code (tiered JIT): the
    /// proxies are long-running processes, so they are measured warm, as the direct path is.
    /// </summary>
    public static async Task WarmUpAsync(BenchPath path, int mebibytes)
    {
        for (var i = 0; i < 100; i++)
        {
            await PingCloseAsync(path);
        }

        for (var round = 0; round < 3; round++)
        {
            await ThroughputAsync(path, mebibytes, 1);
            await LatencyAsync(path, 500);
            await Task.Delay(500);
        }
    }

    /// <summary>MB/s (MiB echoed per second, counted once) with <paramref name="connections"/> connections sharing the bytes.</summary>
    public static async Task<double> ThroughputAsync(BenchPath path, int mebibytes, int connections)
    {
        var perConnection = (long)mebibytes * 1024 * 1024 / connections;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => EchoBulkAsync(path, perConnection)));
        return perConnection * connections / 1048576.0 / clock.Elapsed.TotalSeconds;
    }

    private static async Task<Stream> OpenAsync(BenchPath path)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync("127.0.0.1", path.Port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new NetworkStream(socket, ownsSocket: true);
        if (!path.Tls)
        {
            return stream;
        }

        var tls = new SslStream(stream);
        // The ceiling row's server is self-signed and in this process: trust exactly its certificate.
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "echo",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => string.Equals(certificate?.GetCertHashString(), path.PinnedCertificateHash, StringComparison.Ordinal),
        });
        return tls;
    }

    private static async ValueTask HalfCloseAsync(Stream stream)
    {
        if (stream is SslStream tls)
        {
            await tls.ShutdownAsync();
        }
        else
        {
            ((NetworkStream)stream).Socket.Shutdown(SocketShutdown.Send);
        }
    }

    private static async Task EchoBulkAsync(BenchPath path, long total)
    {
        await using var stream = await OpenAsync(path);
        var send = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            Random.Shared.NextBytes(chunk);
            for (long sent = 0; sent < total; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, total - sent)));
            }

            await HalfCloseAsync(stream);
        });
        var buffer = new byte[64 * 1024];
        long received = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            received += n;
        }

        await send;
        if (received != total)
        {
            throw new InvalidOperationException($"echoed {received} of {total} bytes");
        }
    }

    /// <summary>New connections per second: connect, 1 byte there and back, close; <paramref name="loops"/> loops at once.</summary>
    public static async Task<double> ConnectionRateAsync(BenchPath path, TimeSpan duration, int loops)
    {
        var count = 0L;
        var failures = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                if (await PingCloseAsync(path))
                {
                    Interlocked.Increment(ref count);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        if (failures > 0)
        {
            Console.WriteLine($"# {failures} connection(s) failed on {path.Name}");
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<bool> PingCloseAsync(BenchPath path)
    {
        try
        {
            await using var stream = await OpenAsync(path);
            await stream.WriteAsync(new byte[] { 42 });
            var one = new byte[1];
            var ok = await stream.ReadAsync(one) == 1;
            await HalfCloseAsync(stream);
            while (await stream.ReadAsync(one) > 0)
            {
            }

            return ok;
        }
        catch (Exception error) when (error is SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>p50 and p99 round trip (µs) of 64-byte pings on one established connection.</summary>
    public static async Task<(double P50, double P99)> LatencyAsync(BenchPath path, int pings)
    {
        await using var stream = await OpenAsync(path);
        var ping = new byte[64];
        var pong = new byte[64];
        var samples = new double[pings];
        for (var i = 0; i < pings; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await stream.WriteAsync(ping);
            var got = 0;
            while (got < pong.Length)
            {
                got += await stream.ReadAsync(pong.AsMemory(got));
            }

            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return (samples[pings / 2], samples[(int)(pings * 0.99)]);
    }
}
