using Google.Protobuf;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.EnvoyResources.Proxyless;

/// <summary>
/// The resources a proxyless client gets for a subscription, built from its key's <see cref="ProxylessSnapshot"/>
/// (never from the store): a listener and a route configuration for every listener name whose service the snapshot
/// holds, a cluster and a load assignment for every such service the client may dial (intentions). Names that match
/// nothing are simply absent: in SotW the client's does-not-exist timer handles them.
/// </summary>
public static class ProxylessResources
{
    public static IReadOnlySet<string> SupportedTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        XdsTypeUrls.Listener, XdsTypeUrls.RouteConfiguration, XdsTypeUrls.Cluster, XdsTypeUrls.ClusterLoadAssignment,
    };

    /// <summary>The resources of one type for a subscription, sorted by name.</summary>
    public static IReadOnlyList<KeyValuePair<string, IMessage>> Resolve(ProxylessSnapshot snapshot, string typeUrl, ResourceSubscription subscription)
    {
        var resources = new List<KeyValuePair<string, IMessage>>();
        foreach (var name in Names(snapshot, typeUrl, subscription))
        {
            var resource = Build(snapshot, typeUrl, name);
            if (resource is not null)
            {
                resources.Add(new KeyValuePair<string, IMessage>(name, resource));
            }
        }

        return resources;
    }

    /// <summary>The names a subscription asks for (wildcard: every visible service's), sorted; not all need exist.</summary>
    public static IReadOnlyCollection<string> Names(ProxylessSnapshot snapshot, string typeUrl, ResourceSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(subscription);
        var names = new SortedSet<string>(subscription.Names.Where(name => name != "*"), StringComparer.Ordinal);
        if (subscription.Wildcard)
        {
            foreach (var service in snapshot.ServiceNames())
            {
                names.Add(typeUrl is XdsTypeUrls.Listener or XdsTypeUrls.RouteConfiguration ? service : ProxylessNames.ClusterOf(service));
            }
        }

        return names;
    }

    /// <summary>The resource of one type and name, or null when the snapshot has nothing of that name for this client.</summary>
    public static IMessage? Build(ProxylessSnapshot snapshot, string typeUrl, string name)
    {
        switch (typeUrl)
        {
            case XdsTypeUrls.Listener or XdsTypeUrls.RouteConfiguration:
            {
                var service = ProxylessNames.ServiceOf(name);
                if (service is null || snapshot.Find(service) is null)
                {
                    return null;
                }

                return typeUrl == XdsTypeUrls.Listener
                    ? ProxylessResourceFactory.ListenerFor(name)
                    : ProxylessResourceFactory.RoutesFor(name, ProxylessNames.ClusterOf(service));
            }

            case XdsTypeUrls.Cluster or XdsTypeUrls.ClusterLoadAssignment:
            {
                var service = ProxylessNames.ServiceOfCluster(name) is { } named ? snapshot.Find(named) : null;
                if (service is null || !service.MayDial)
                {
                    return null;
                }

                return typeUrl == XdsTypeUrls.Cluster
                    ? ProxylessResourceFactory.ClusterFor(name)
                    : ProxylessResourceFactory.LoadAssignmentFor(name, snapshot.Datacenter, service.Endpoints);
            }

            default:
                return null;
        }
    }
}
