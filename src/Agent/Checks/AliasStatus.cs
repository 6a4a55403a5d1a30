using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Agent.Checks;

/// <summary>
/// An alias check's status, computed from the store as Consul's <c>CheckAlias.processChecks</c> does: the worst of the
/// aliased service's checks and of its node's node-level checks; passing when there are none; critical when the service
/// (or, for a node alias, the node) does not exist. Maintenance counts as critical, as Consul's maintenance checks are;
/// node-level alias checks are left out (see <see cref="IsNodeLevelAlias"/>).
/// </summary>
internal static class AliasStatus
{
    /// <summary>The node whose checks decide the alias (AliasNode, or this server's node).</summary>
    public static string TargetNode(CheckDefinition definition, string selfNode)
        => definition.AliasNode.Length > 0 ? definition.AliasNode : selfNode;

    /// <summary>Watch keys that change whenever the result could: the target node's services and checks.</summary>
    public static IReadOnlyList<string> WatchKeysFor(CheckDefinition definition, string selfNode)
        => [WatchKeys.Node(TargetNode(definition, selfNode))];

    public static CheckResult Evaluate(StoreState state, CheckDefinition definition, string selfNode)
    {
        var node = TargetNode(definition, selfNode);
        var serviceId = definition.AliasService;
        var status = HealthStatus.Passing;
        var output = "No checks found.";
        var found = false;
        foreach (var check in state.ChecksOnNode(node))
        {
            var matches = check.ServiceId == serviceId;
            if ((check.ServiceId.Length > 0 && !matches) || IsNodeLevelAlias(check))
            {
                continue;
            }

            found |= matches;
            if (check.Status is HealthStatus.Critical or HealthStatus.Warning or HealthStatus.Maintenance)
            {
                status = check.Status == HealthStatus.Warning ? HealthStatus.Warning : HealthStatus.Critical;
                output = $"Aliased check \"{check.Name}\" failing: {check.Output}";
                if (status == HealthStatus.Critical)
                {
                    break; // Nothing is worse; a warning keeps looking for a critical check.
                }
            }
            else if (status == HealthStatus.Passing)
            {
                output = "All checks passing.";
            }
        }

        var exists = serviceId.Length > 0 ? state.FindService(node, serviceId) is not null : state.FindNode(node) is not null;
        if (!found && !exists)
        {
            return CheckResult.Critical($"Service {serviceId} could not be found on node {node}");
        }

        return new CheckResult(status, output);
    }

    /// <summary>
    /// Node-level alias checks only mirror something else. Counting them would make an alias registered without a
    /// ServiceID follow itself, and two such checks hold each other critical forever.
    /// </summary>
    private static bool IsNodeLevelAlias(HealthCheck check) => check.Type == "alias" && check.ServiceId.Length == 0;
}
