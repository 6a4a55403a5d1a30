using System.Net;
using System.Net.Sockets;

namespace Mesh.Testing;

/// <summary>Free loopback TCP ports for servers under test.</summary>
public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): a port the kernel hands out for an outgoing connection of another
    // test process cannot take one of ours between "free" and the server's bind. Each process starts at a random
    // point so parallel test assemblies rarely try the same ports.
    private const int First = 20_000;
    private const int Count = 12_000;

    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port that was free a moment ago and was not handed out before in this process.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var tried = 0; tried < Count; tried++)
            {
                var port = First + (_next++ % Count);
                if (!Handed.Contains(port) && Bindable(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free loopback port between {First} and {First + Count - 1}");
        }
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
