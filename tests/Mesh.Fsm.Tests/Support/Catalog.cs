using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.Tests.Support;

/// <summary>Short builders for catalog commands and rows, so tests read as the scenario they describe.</summary>
public static class Catalog
{
    public static RegisterCommand Node(string node, string address = "127.0.0.10") => new()
    {
        Node = node,
        Address = address,
        Datacenter = "dc1",
    };

    public static RegisterCommand Register(string node, NodeService? service = null, params HealthCheck[] checks) => Node(node) with
    {
        Service = service,
        Checks = checks,
    };

    public static NodeService Service(string id, string name, int port = 8080, params string[] tags) => new()
    {
        Id = id,
        Service = name,
        Port = port,
        Tags = tags,
    };

    public static NodeService Sidecar(string id, string destination, int port = 21000) => new()
    {
        Kind = ServiceKind.ConnectProxy,
        Id = id,
        Service = destination + "-sidecar-proxy",
        Port = port,
        Proxy = new ConnectProxyConfig
        {
            DestinationServiceName = destination,
            DestinationServiceID = destination,
            LocalServiceAddress = "127.0.0.1",
            LocalServicePort = 8080,
        },
    };

    public static NodeService Native(string id, string name, int port = 8443) => new()
    {
        Id = id,
        Service = name,
        Port = port,
        Connect = new ServiceConnect { Native = true },
    };

    public static HealthCheck NodeCheck(string checkId, string status = HealthStatus.Passing) => new()
    {
        CheckId = checkId,
        Name = checkId,
        Status = status,
    };

    public static HealthCheck ServiceCheck(string checkId, string serviceId, string status = HealthStatus.Passing) => new()
    {
        CheckId = checkId,
        Name = checkId,
        Status = status,
        ServiceId = serviceId,
    };

    public static UpdateCheckCommand Update(string node, string checkId, string status, string output = "") => new()
    {
        Node = node,
        CheckId = checkId,
        Status = status,
        Output = output,
    };

    public static DeregisterCommand DeregisterNode(string node) => new() { Node = node };

    public static DeregisterCommand DeregisterService(string node, string serviceId) => new() { Node = node, ServiceId = serviceId };

    public static DeregisterCommand DeregisterCheck(string node, string checkId) => new() { Node = node, CheckId = checkId };

    public static BatchCommand Batch(params Command[] commands) => new() { Commands = commands };

    public static LogRecord Record(Command command, long stamp = 1_700_000_000_000) => new()
    {
        Command = command,
        StampedUnixMilliseconds = stamp,
    };
}
