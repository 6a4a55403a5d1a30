using Mesh.Config.Access;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server.Access;

namespace Mesh.Server.Federation;

/// <summary>The rows of a health query read from one store state, and the watch keys that decide its index.</summary>
public static class HealthRows
{
    /// <summary>The keys a health query of <paramref name="service"/> parks on (its index is theirs, else the services').</summary>
    public static IReadOnlyList<string> Keys(string service, bool connect) => [connect ? WatchKeys.Connect(service) : WatchKeys.Service(service)];

    /// <summary>The keys <paramref name="query"/> parks on: its kind's, else its service's.</summary>
    public static IReadOnlyList<string> Keys(DatacenterHealthQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Kind.Length > 0 ? [WatchKeys.Kind(query.Kind)] : Keys(query.Service, query.Connect);
    }

    public static long Index(StoreState state, string service, bool connect)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Math.Max(1, state.MaxIndex(Keys(service, connect), WatchKeys.Services));
    }

    public static long Index(StoreState state, DatacenterHealthQuery query)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Math.Max(1, state.MaxIndex(Keys(query), WatchKeys.Services));
    }

    /// <summary>Every instance (Connect-capable ones with <paramref name="connect"/>) the decisions allow: service:read and node:read.</summary>
    public static IReadOnlyList<HealthRow> Read(StoreState state, string service, bool connect, IAccessDecisions? decisions = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Rows(state, connect ? state.ConnectServicesFor(service) : state.ServicesNamed(service), decisions);
    }

    /// <summary>
    /// The rows of <paramref name="query"/>: with a kind, every instance of that kind (each filtered by service:read on
    /// its own service and node:read, as the service queries are); else as <see cref="Read(StoreState, string, bool, IAccessDecisions?)"/>.
    /// </summary>
    public static IReadOnlyList<HealthRow> Read(StoreState state, DatacenterHealthQuery query, IAccessDecisions? decisions = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Kind.Length == 0)
        {
            return Read(state, query.Service, query.Connect, decisions);
        }

        var instances = new List<(ServiceKey Key, NodeService Service)>();
        foreach (var key in state.ServicesByKind.Get(query.Kind))
        {
            if (state.Services.TryGetValue(key, out var instance))
            {
                instances.Add((key, instance));
            }
        }

        return Rows(state, instances, decisions);
    }

    private static List<HealthRow> Rows(StoreState state, IEnumerable<(ServiceKey Key, NodeService Service)> instances, IAccessDecisions? decisions)
    {
        var rows = new List<HealthRow>();
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
