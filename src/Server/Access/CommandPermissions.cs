using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Server.Access;

/// <summary>One permission a write needs.</summary>
public readonly record struct AccessRequirement(AclResource Resource, string Name, AclAccess Access);

/// <summary>
/// What each FSM command needs, as Consul's endpoints check it (acl-facts §6). The same table serves the edge (before
/// a write is submitted) and the leader (for a write a follower forwarded), so the two can never disagree.
/// </summary>
public static class CommandPermissions
{
    public static IEnumerable<AccessRequirement> Of(Command command, StoreState state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return command switch
        {
            BatchCommand batch => batch.Commands.SelectMany(inner => Of(inner, state)),
            RegisterCommand register => Register(register, state),
            DeregisterCommand deregister => Deregister(deregister, state),
            UpdateCheckCommand update => [CheckWrite(state, state.FindCheck(update.Node, update.CheckId), update.Node)],
            UpsertConfigEntryCommand upsert => [ConfigEntryWrite(upsert.Entry.Kind, upsert.Entry.Name)],
            DeleteConfigEntryCommand delete => [ConfigEntryWrite(delete.Kind, delete.Name)],
            CaSetStateCommand or CaReserveSerialsCommand => [new(AclResource.Operator, string.Empty, AclAccess.Write)],
            AutopilotSetConfigCommand => [new(AclResource.Operator, string.Empty, AclAccess.Write)],

            // Bootstrap needs no token (the FSM refuses a second one); restores and every other ACL change need acl:write.
            AclBootstrapCommand => [],
            _ => [new(AclResource.Acl, string.Empty, AclAccess.Write)],
        };
    }

    private static IEnumerable<AccessRequirement> Register(RegisterCommand register, StoreState state)
    {
        // node:write only when the node row changes (Consul's IsSameNode), so a service token can register services.
        var existing = state.FindNode(register.Node);
        if (existing is null || (!register.SkipNodeUpdate && NodeChanges(existing, register)))
        {
            yield return new(AclResource.Node, register.Node, AclAccess.Write);
        }

        if (register.Service is { } service)
        {
            yield return new(AclResource.Service, service.Service, AclAccess.Write);
            if (service.ConnectDestination is { } destination)
            {
                yield return new(AclResource.Service, destination, AclAccess.Write);
            }
        }

        foreach (var check in register.Checks)
        {
            if (check.ServiceId.Length == 0)
            {
                yield return new(AclResource.Node, register.Node, AclAccess.Write);
                continue;
            }

            var name = register.Service is { } own && own.Id == check.ServiceId
                ? own.Service
                : state.FindService(register.Node, check.ServiceId)?.Service;
            yield return name is null ? new(AclResource.Node, register.Node, AclAccess.Write) : new(AclResource.Service, name, AclAccess.Write);
        }
    }

    private static IEnumerable<AccessRequirement> Deregister(DeregisterCommand deregister, StoreState state)
    {
        if (deregister.ServiceId is { Length: > 0 } serviceId)
        {
            return [state.FindService(deregister.Node, serviceId) is { } service
                ? new(AclResource.Service, service.Service, AclAccess.Write)
                : new(AclResource.Node, deregister.Node, AclAccess.Write)];
        }

        if (deregister.CheckId is { Length: > 0 } checkId)
        {
            return [CheckWrite(state, state.FindCheck(deregister.Node, checkId), deregister.Node)];
        }

        return [new(AclResource.Node, deregister.Node, AclAccess.Write)];
    }

    private static AccessRequirement CheckWrite(StoreState state, HealthCheck? check, string node)
        => check is { ServiceId.Length: > 0 } && (state.FindService(node, check.ServiceId)?.Service ?? NullIfEmpty(check.ServiceName)) is { } service
            ? new(AclResource.Service, service, AclAccess.Write)
            : new(AclResource.Node, node, AclAccess.Write);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static AccessRequirement ConfigEntryWrite(string kind, string name)
    {
        var resource = ConfigEntryKinds.Find(kind)?.Resource ?? AclResource.Mesh;
        return new(resource, resource == AclResource.Mesh ? string.Empty : name, AclAccess.Write);
    }

    private static bool NodeChanges(Node existing, RegisterCommand register)
        => existing.Address != register.Address
            || !SameMap(existing.TaggedAddresses, register.TaggedAddresses)
            || !SameMap(existing.Meta, register.NodeMeta);

    private static bool SameMap(IReadOnlyDictionary<string, string> left, IReadOnlyDictionary<string, string> right)
        => left.Count == right.Count && left.All(pair => right.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
