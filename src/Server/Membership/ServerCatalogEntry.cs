using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Server.Cluster;

namespace Mesh.Server.Membership;

/// <summary>
/// What Consul's leader writes into the catalog for a server (<c>leader.go</c> <c>handleAliveMember</c>): the server's
/// node with its serfHealth check and the <c>consul</c> service on the server port.
/// </summary>
public static class ServerCatalogEntry
{
    public const string ServiceName = "consul";
    public const string SerfCheckId = "serfHealth";
    public const string ServerMetaKey = "mesh-server";
    public const string ServerAddressMetaKey = "mesh-server-addr";
    public const string AliveOutput = "Agent alive and reachable";
    public const string FailedOutput = "Agent not live or unreachable";

    /// <summary>The <c>consul</c> service of a server listening for server RPC (and Raft) on <paramref name="port"/>.</summary>
    public static NodeService Service(string address, int port, string version) => new()
    {
        Id = ServiceName,
        Service = ServiceName,
        Address = address,
        Port = port,
        Meta = EmptyMap.Sorted<string>(new Dictionary<string, string>
        {
            ["non_voter"] = "false",
            ["raft_version"] = "3",
            ["read_replica"] = "false",
            ["serf_protocol_current"] = "2",
            ["serf_protocol_max"] = "5",
            ["serf_protocol_min"] = "1",
            ["version"] = version,
        }),
    };

    /// <summary>
    /// The whole registration of one server: node (meta, tagged addresses: <c>wan</c> is <paramref name="wanAddress"/>,
    /// or the LAN address when empty), service and serfHealth.
    /// </summary>
    public static RegisterCommand Register(string node, string nodeId, string datacenter, string address, int port, string version, string status, string wanAddress = "") => new()
    {
        Node = node,
        NodeId = nodeId,
        Address = address,
        Datacenter = datacenter,
        TaggedAddresses = EmptyMap.Sorted<string>(new Dictionary<string, string> { ["lan"] = address, ["lan_ipv4"] = address, ["wan"] = Wan(address, wanAddress), ["wan_ipv4"] = Wan(address, wanAddress) }),
        NodeMeta = EmptyMap.Sorted<string>(new Dictionary<string, string>
        {
            ["consul-network-segment"] = string.Empty,
            [ServerMetaKey] = "true",
            [ServerAddressMetaKey] = $"{(address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address)}:{port}",
        }),
        Service = Service(address, port, version),
        Checks = [SerfHealth(node, status)],
    };

    private static string Wan(string address, string wanAddress) => wanAddress.Length > 0 ? wanAddress : address;

    public static HealthCheck SerfHealth(string node, string status) => new()
    {
        Node = node,
        CheckId = SerfCheckId,
        Name = "Serf Health Status",
        Status = status,
        Output = status == HealthStatus.Passing ? AliveOutput : FailedOutput,
    };

    /// <summary>Splits a server address (<c>ip:port</c>, <c>[v6]:port</c>) into host and port.</summary>
    public static (string Host, int Port) Split(string serverAddress)
    {
        var endPoint = ServerRpc.ParseEndPoint(serverAddress, 8300);
        return endPoint switch
        {
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            System.Net.DnsEndPoint dns => (dns.Host, dns.Port),
            _ => (serverAddress, 8300),
        };
    }
}
