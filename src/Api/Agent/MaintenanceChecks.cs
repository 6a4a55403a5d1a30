using Mesh.Fsm.Model;

namespace Mesh.Api.Agent;

/// <summary>
/// The critical checks Consul's agent adds for maintenance mode: <c>_node_maintenance</c> ("Node Maintenance Mode")
/// and <c>_service_maintenance:&lt;id&gt;</c> ("Service Maintenance Mode"), whose notes are the reason given or
/// Consul's default text, of type <c>maintenance</c>.
/// </summary>
public static class MaintenanceChecks
{
    public const string DefaultNodeReason = "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.";

    public const string DefaultServiceReason = "Maintenance mode is enabled for this service, but no reason was provided. This is a default message.";

    public static string ServiceCheckId(string serviceId) => AggregatedHealth.ServiceMaintenancePrefix + serviceId;

    public static HealthCheck ForNode(string node, string reason) => new()
    {
        Node = node,
        CheckId = AggregatedHealth.NodeMaintenanceCheckId,
        Name = "Node Maintenance Mode",
        Notes = reason.Length > 0 ? reason : DefaultNodeReason,
        Status = HealthStatus.Critical,
        Type = "maintenance",
    };

    public static HealthCheck ForService(string node, NodeService service, string reason) => new()
    {
        Node = node,
        CheckId = ServiceCheckId(service.Id),
        Name = "Service Maintenance Mode",
        Notes = reason.Length > 0 ? reason : DefaultServiceReason,
        ServiceId = service.Id,
        ServiceName = service.Service,
        Status = HealthStatus.Critical,
        Type = "maintenance",
    };
}
