using System.Diagnostics;
using System.Net.Sockets;

namespace Mesh.ConnectBench;

/// <summary>The three measurements, each against one listening port that echoes.</summary>
internal static class Measure
{
    public static async Task WarmUpAsync(int port)
    {
        for (var i = 0; i < 50; i++)
        {
            await PingCloseAsync(port);
        }

        await ThroughputAsync(port, 16, 1);
    }

    /// <summary>MB/s (MiB echoed per second, counted once) with <paramref name="connections"/> connections sharing the bytes.</summary>
    public static async Task<double> ThroughputAsync(int port, int mebibytes, int connections)
    {
        var perConnection = (long)mebibytes * 1024 * 1024 / connections;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => EchoBulkAsync(port, perConnection)));
        return perConnection * connections / 1048576.0 / clock.Elapsed.TotalSeconds;
    }

    private static async Task EchoBulkAsync(int port, long total)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        var send = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            Random.Shared.NextBytes(chunk);
            for (long sent = 0; sent < total; sent += chunk.Length)
            {
                await socket.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, total - sent)));
            }

            socket.Shutdown(SocketShutdown.Send);
        });
        var buffer = new byte[64 * 1024];
        long received = 0;
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
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
    public static async Task<double> ConnectionRateAsync(int port, TimeSpan duration, int loops)
    {
        var count = 0L;
        var failures = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                if (await PingCloseAsync(port))
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
            Console.WriteLine($"# {failures} connection(s) failed on port {port}");
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<bool> PingCloseAsync(int port)
    {
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync("127.0.0.1", port);
            await socket.SendAsync(new byte[] { 42 });
            var one = new byte[1];
            var ok = await socket.ReceiveAsync(one) == 1;
            socket.Shutdown(SocketShutdown.Send);
            while (await socket.ReceiveAsync(one) > 0)
            {
            }

            return ok;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>p50 and p99 round trip (µs) of 64-byte pings on one established connection.</summary>
    public static async Task<(double P50, double P99)> LatencyAsync(int port, int pings)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        var ping = new byte[64];
        var pong = new byte[64];
        var samples = new double[pings];
        for (var i = 0; i < pings; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await socket.SendAsync(ping);
            var got = 0;
            while (got < pong.Length)
            {
                got += await socket.ReceiveAsync(pong.AsMemory(got));
            }

            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return (samples[pings / 2], samples[(int)(pings * 0.99)]);
    }
}
