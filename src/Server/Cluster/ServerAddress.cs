using System.Net;

namespace Mesh.Server.Cluster;

/// <summary>A server's Raft/RPC address as Consul writes it (<c>"ip:port"</c>), for RPC leader hints, peers and status.</summary>
public static class ServerAddress
{
    public static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint?.ToString() ?? string.Empty,
    };
}
