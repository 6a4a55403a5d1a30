using System.Net;
using System.Net.Sockets;

namespace Mesh.Testing;

/// <summary>Free loopback TCP ports for servers under test.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();

    /// <summary>A port that was free a moment ago and was not handed out before in this process.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
