using System.Net.Sockets;

namespace Mesh.Connect.Tests.Support;

/// <summary>Plain TCP client calls a test makes against a proxy listener.</summary>
public static class Wire
{
    /// <summary>Sends <paramref name="payload"/>, half-closes, and reads until the far side closes (bounded).</summary>
    public static async Task<byte[]> RoundTripAsync(int port, byte[] payload, TimeSpan? timeout = null)
    {
        using var bounded = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync("127.0.0.1", port, bounded.Token);
        try
        {
            await client.SendAsync(payload, bounded.Token);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The proxy may already have closed the connection (refused): the read below shows it.
        }

        var received = new MemoryStream();
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer, bounded.Token);
                if (n == 0)
                {
                    break;
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
        }

        return received.ToArray();
    }

    public static byte[] Payload(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Retries <paramref name="check"/> until it holds or the timeout passes (for eventually-consistent effects).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> check, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await check())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}");
            }

            await Task.Delay(200);
        }
    }
}
