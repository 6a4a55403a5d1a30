using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Fsm;

/// <summary>Catalog commands applied to a store transaction. Everything is validated before anything is written.</summary>
internal static class CatalogApply
{
    public static ApplyResult Register(StoreTransaction tx, RegisterCommand command)
    {
        var state = tx.State;
        if (command.Node.Length == 0)
        {
            return Refuse(tx, "Must provide node", ApplyErrorKind.Invalid);
        }

        var existingNode = state.FindNode(command.Node);
        if (command.NodeId.Length > 0)
        {
            var owner = state.NodesById.Get(NameKey.Of(command.NodeId)).Select(key => state.Nodes[key]).FirstOrDefault();
            if (owner is not null && !string.Equals(owner.Name, command.Node, StringComparison.OrdinalIgnoreCase))
            {
                return Refuse(tx, $"Failed to register node \"{command.Node}\": node ID \"{command.NodeId}\" is already used by node \"{owner.Name}\"", ApplyErrorKind.Invalid);
            }
        }

        var node = existingNode is not null && command.SkipNodeUpdate
            ? existingNode
            : new Node
            {
                Id = command.NodeId,
                Name = existingNode?.Name ?? command.Node,
                Address = command.Address,
                Datacenter = command.Datacenter,
                TaggedAddresses = command.TaggedAddresses,
                Meta = command.NodeMeta,
            };

        // The service named by each check must exist on the node, either already or in this request.
        foreach (var check in command.Checks)
        {
            if (check.Node.Length > 0 && !string.Equals(check.Node, command.Node, StringComparison.OrdinalIgnoreCase))
            {
                return Refuse(tx, $"Check \"{check.CheckId}\" node \"{check.Node}\" does not match request node \"{command.Node}\"", ApplyErrorKind.Invalid);
            }

            if (check.ServiceId.Length > 0 && command.Service?.Id != check.ServiceId && state.FindService(command.Node, check.ServiceId) is null)
            {
                return Refuse(tx, $"Missing service registration: check \"{check.CheckId}\" refers to service ID \"{check.ServiceId}\", which is not registered on node \"{command.Node}\"", ApplyErrorKind.Invalid);
            }
        }

        tx.UpsertNode(node);
        if (command.Service is { } service)
        {
            tx.UpsertService(node.Name, service);
        }

        foreach (var check in command.Checks)
        {
            var owner = check.ServiceId.Length > 0 ? tx.State.FindService(node.Name, check.ServiceId) : null;
            tx.UpsertCheck(check with
            {
                Node = node.Name,
                ServiceName = owner?.Service ?? string.Empty,
                ServiceTags = owner?.Tags ?? EmptyMap.List,
            });
        }

        return new ApplyResult(tx.Index);
    }

    public static ApplyResult Deregister(StoreTransaction tx, DeregisterCommand command)
    {
        if (command.Node.Length == 0)
        {
            return Refuse(tx, "Must provide node", ApplyErrorKind.Invalid);
        }

        if (command.ServiceId is { Length: > 0 } serviceId)
        {
            tx.DeleteService(command.Node, serviceId);
        }
        else if (command.CheckId is { Length: > 0 } checkId)
        {
            tx.DeleteCheck(command.Node, checkId);
        }
        else
        {
            tx.DeleteNode(command.Node);
        }

        return new ApplyResult(tx.Index);
    }

    public static ApplyResult UpdateCheck(StoreTransaction tx, UpdateCheckCommand command)
    {
        if (!HealthStatus.IsValid(command.Status))
        {
            return Refuse(tx, $"Unknown check status \"{command.Status}\"", ApplyErrorKind.Invalid);
        }

        if (tx.State.FindCheck(command.Node, command.CheckId) is not { } check)
        {
            return Refuse(tx, $"Unknown check ID \"{command.CheckId}\" on node \"{command.Node}\"", ApplyErrorKind.NotFound);
        }

        tx.UpsertCheck(check with { Status = command.Status, Output = command.Output });
        return new ApplyResult(tx.Index);
    }

    private static ApplyResult Refuse(StoreTransaction tx, string error, ApplyErrorKind kind) => new(tx.Index, error, kind);
}
