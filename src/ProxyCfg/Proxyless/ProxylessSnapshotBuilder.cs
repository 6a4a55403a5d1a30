using System.Collections.Immutable;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Mesh.Server.Access;
using HealthStatus = Mesh.Fsm.Model.HealthStatus;

namespace Mesh.ProxyCfg;

/// <summary>
/// Builds a proxyless client key's <see cref="ProxylessSnapshot"/> from one store state (pure, apart from the ACL
/// policy it asks). Proxyless clients dial applications directly, so a service's endpoints are its typical (non-proxy)
/// instances at their own address and port. The builder records the watch keys it read: the service list, every
/// visible service, intentions, the client's node.id as a service name, and the ACL tables when ACLs are on.
/// </summary>
public static class ProxylessSnapshotBuilder
{
    private static readonly string IntentionsKey = WatchKeys.ConfigKind(ServiceIntentionsKind.KindName);

    /// <param name="previous">The key's last snapshot: endpoints of services whose watch key did not move are reused.</param>
    public static ProxylessSnapshot Build(
        StoreState state, ProxylessKey key, AgentIdentity self, IAccessPolicy access, ISet<string>? reads = null, ProxylessSnapshot? previous = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(access);
        reads?.Add(WatchKeys.Services);
        reads?.Add(IntentionsKey);
        if (access.Enabled)
        {
            reads?.Add(WatchKeys.Acl);
        }

        var source = key.DeclaredService;
        if (source is null && key.NodeId.Length > 0)
        {
            // A node.id that gets registered as a service changes who the client is for intentions.
            reads?.Add(WatchKeys.Service(key.NodeId));
            source = HasTypical(state, NameKey.Of(key.NodeId)) ? key.NodeId : null;
        }

        var services = ImmutableSortedDictionary.CreateBuilder<string, ProxylessService>(StringComparer.Ordinal);
        var indexes = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var lowered in state.ServicesByName.Values)
        {
            if (FirstTypicalName(state, lowered) is not { } name
                || (access.Enabled && access.Check(key.Token, AclResource.Service, name, AclAccess.Read) is not null))
            {
                continue;
            }

            var watchKey = WatchKeys.Service(name);
            reads?.Add(watchKey);
            var index = state.IndexOf(watchKey);
            var endpoints = previous is not null && previous.ServiceIndexes.TryGetValue(lowered, out var was) && was == index
                && previous.Services.TryGetValue(lowered, out var last)
                ? last.Endpoints
                : Endpoints(state, lowered);
            var mayDial = source is null || IntentionDecision.Decide(state, source, name, self.DefaultIntentionPolicy).Allowed;
            services[lowered] = new ProxylessService(name, mayDial, endpoints);
            indexes[lowered] = index;
        }

        return new ProxylessSnapshot(state.AppliedIndex, self.Datacenter, source, services.ToImmutable(), indexes.ToImmutable());
    }

    /// <summary>
    /// The instances of a service a client should use: critical (and maintenance) instances are left out; passing
    /// ones carry their passing weight, warning ones their warning weight (both are HEALTHY to the client, as
    /// Consul's EDS does). Instances without an IP address are left out (gRPC clients reject the whole assignment
    /// otherwise), and so are repeats of an address and port.
    /// </summary>
    private static ImmutableArray<ProxylessEndpoint> Endpoints(StoreState state, string lowered)
    {
        var endpoints = ImmutableArray.CreateBuilder<ProxylessEndpoint>();
        var seen = new HashSet<(string, int)>();
        foreach (var (key, instance) in state.ServicesNamed(lowered))
        {
            if (instance.Kind != ServiceKind.Typical || instance.Port <= 0)
            {
                continue;
            }

            var node = state.FindNode(key.Node);
            var address = instance.Address.Length > 0 ? instance.Address : node?.Address ?? string.Empty;
            if (!System.Net.IPAddress.TryParse(address, out _) || !seen.Add((address, instance.Port)))
            {
                continue;
            }

            var status = WorstStatus(state, key.Node, instance.Id);
            if (HealthStatus.Severity(status) >= HealthStatus.Severity(HealthStatus.Critical))
            {
                continue;
            }

            var weight = status == HealthStatus.Warning ? instance.Weights.Warning : instance.Weights.Passing;
            endpoints.Add(new ProxylessEndpoint(address, instance.Port, weight));
        }

        return endpoints.ToImmutable();
    }

    private static string WorstStatus(StoreState state, string node, string serviceId)
    {
        var worst = HealthStatus.Passing;
        foreach (var check in state.ChecksForInstance(node, serviceId))
        {
            if (HealthStatus.Severity(check.Status) > HealthStatus.Severity(worst))
            {
                worst = check.Status;
            }
        }

        return worst;
    }

    /// <summary>The name of a service as its first typical instance spells it, or null when it has no typical instance.</summary>
    private static string? FirstTypicalName(StoreState state, string lowered)
    {
        foreach (var (_, instance) in state.ServicesNamed(lowered))
        {
            if (instance.Kind == ServiceKind.Typical)
            {
                return instance.Service;
            }
        }

        return null;
    }

    private static bool HasTypical(StoreState state, string lowered) => FirstTypicalName(state, lowered) is not null;
}
