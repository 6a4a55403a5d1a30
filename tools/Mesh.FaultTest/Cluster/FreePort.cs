using System.Net;
using System.Net.Sockets;

namespace Mesh.FaultTest.Cluster;

/// <summary>Free loopback TCP ports, never the same one twice in this process.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();

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
