using Mesh.Config.Access;
using Mesh.Fsm.State;
using Mesh.Server.Access;

namespace Mesh.Server.Federation;

/// <summary>The rows of a health query read from one store state, and the watch keys that decide its index.</summary>
public static class HealthRows
{
    /// <summary>The keys a health query of <paramref name="service"/> parks on (its index is theirs, else the services').</summary>
    public static IReadOnlyList<string> Keys(string service, bool connect) => [connect ? WatchKeys.Connect(service) : WatchKeys.Service(service)];

    public static long Index(StoreState state, string service, bool connect)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Math.Max(1, state.MaxIndex(Keys(service, connect), WatchKeys.Services));
    }

    /// <summary>Every instance (Connect-capable ones with <paramref name="connect"/>) the decisions allow: service:read and node:read.</summary>
    public static IReadOnlyList<HealthRow> Read(StoreState state, string service, bool connect, IAccessDecisions? decisions = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var rows = new List<HealthRow>();
        var instances = connect ? state.ConnectServicesFor(service) : state.ServicesNamed(service);
        foreach (var (key, instance) in instances)
        {
            if (state.FindNode(key.Node) is not { } node)
            {
                continue;
            }

            if (decisions is not null
                && !(decisions.Allows(AclResource.Service, instance.Service, AclAccess.Read) && decisions.Allows(AclResource.Node, node.Name, AclAccess.Read)))
            {
                continue;
            }

            rows.Add(new HealthRow { Node = node, Service = instance, Checks = [.. state.ChecksForInstance(key.Node, instance.Id)] });
        }

        return rows;
    }
}
