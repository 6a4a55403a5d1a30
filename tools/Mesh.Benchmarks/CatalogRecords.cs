using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;

namespace Mesh.Benchmarks;

/// <summary>Log records as the HTTP API produces them for catalog writes, for synthetic nodes numbered 0..N-1.</summary>
public static class CatalogRecords
{
    public const string NodeCheckId = "serfHealth";

    public static string NodeName(int node) => $"node-{node:D5}";

    public static string NodeId(int node) => new Guid(node, 0, 0, new byte[8]).ToString();

    public static string NodeAddress(int node) => $"127.1.{node / 256 % 256}.{node % 256}";

    public static string ServiceCheckId(string serviceId) => "service:" + serviceId;

    /// <summary>
    /// Registers one instance with one passing service check. With <paramref name="withNodeId"/> the command carries the
    /// node's ID and full node fields (as a Consul agent's sync does); otherwise it only adds the service
    /// (<c>SkipNodeUpdate</c>).
    /// </summary>
    public static RegisterCommand Instance(int node, string service, string serviceId, int port, bool withNodeId, bool withNodeCheck = false)
    {
        var checks = new List<HealthCheck>
        {
            new()
            {
                Node = NodeName(node),
                CheckId = ServiceCheckId(serviceId),
                Name = $"Service '{service}' check",
                Status = HealthStatus.Passing,
                ServiceId = serviceId,
                Type = "ttl",
            },
        };
        if (withNodeCheck)
        {
            checks.Add(new HealthCheck { Node = NodeName(node), CheckId = NodeCheckId, Name = "Serf Health Status", Status = HealthStatus.Passing });
        }

        return new RegisterCommand
        {
            Node = NodeName(node),
            NodeId = withNodeId ? NodeId(node) : string.Empty,
            Address = NodeAddress(node),
            Datacenter = "dc1",
            SkipNodeUpdate = !withNodeId,
            Service = new NodeService
            {
                Id = serviceId,
                Service = service,
                Tags = ["v1", "primary"],
                Port = port,
                Meta = new Dictionary<string, string> { ["version"] = "1.0.0" },
            },
            Checks = checks,
        };
    }

    public static UpdateCheckCommand CheckStatus(int node, string checkId, string status) => new()
    {
        Node = NodeName(node),
        CheckId = checkId,
        Status = status,
        Output = "status changed by benchmark",
    };

    public static LogRecord Record(Command command) => new() { Command = command, StampedUnixMilliseconds = 1_700_000_000_000 };
}
