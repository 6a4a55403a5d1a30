using Envoy.Service.Discovery.V3;

namespace Mesh.Agent.Dataplane;

/// <summary>
/// What one Envoy has asked for and holds on a delta ADS stream, per type (in the order the types were first asked
/// for): wildcard or not, the names subscribed, and the versions received. After a server switch this is replayed to
/// the new server as the first requests of the new stream (subscriptions plus <c>initial_resource_versions</c>), so
/// only what differs is sent again and Envoy sees no restart.
/// </summary>
public sealed class DeltaSubscriptions
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, TypeSubscription> _types = new(StringComparer.Ordinal);

    public Envoy.Config.Core.V3.Node? Node { get; private set; }

    /// <summary>Records a request from Envoy.</summary>
    public void Observe(DeltaDiscoveryRequest request)
    {
        Node ??= request.Node;
        if (request.TypeUrl.Length == 0)
        {
            return;
        }

        if (!_types.TryGetValue(request.TypeUrl, out var type))
        {
            // A type's first request with no names is a wildcard subscription (the legacy form).
            type = new TypeSubscription { Wildcard = request.ResourceNamesSubscribe.Count == 0 };
            _types[request.TypeUrl] = type;
            _order.Add(request.TypeUrl);
            foreach (var (name, version) in request.InitialResourceVersions)
            {
                type.Versions[name] = version;
            }
        }

        foreach (var name in request.ResourceNamesSubscribe)
        {
            if (name == "*")
            {
                type.Wildcard = true;
            }
            else
            {
                type.Names.Add(name);
            }
        }

        foreach (var name in request.ResourceNamesUnsubscribe)
        {
            if (name == "*")
            {
                type.Wildcard = false;
            }
            else
            {
                type.Names.Remove(name);
            }
        }
    }

    /// <summary>Records a response passed to Envoy: the versions it now holds.</summary>
    public void Track(DeltaDiscoveryResponse response)
    {
        if (!_types.TryGetValue(response.TypeUrl, out var type))
        {
            return;
        }

        foreach (var resource in response.Resources)
        {
            type.Versions[resource.Name] = resource.Version;
        }

        foreach (var name in response.RemovedResources)
        {
            type.Versions.Remove(name);
        }
    }

    /// <summary>The requests that open a new stream in the state Envoy's stream is in (the first carries the node).</summary>
    public IReadOnlyList<DeltaDiscoveryRequest> Replay()
    {
        var requests = new List<DeltaDiscoveryRequest>(_order.Count);
        foreach (var typeUrl in _order)
        {
            var type = _types[typeUrl];
            if (!type.Wildcard && type.Names.Count == 0)
            {
                continue; // everything unsubscribed: an empty first request would mean wildcard
            }

            var request = new DeltaDiscoveryRequest { TypeUrl = typeUrl };
            if (type.Wildcard && type.Names.Count > 0)
            {
                request.ResourceNamesSubscribe.Add("*");
            }

            request.ResourceNamesSubscribe.AddRange(type.Names.Order(StringComparer.Ordinal));
            request.InitialResourceVersions.Add(type.Versions);
            if (requests.Count == 0 && Node is not null)
            {
                request.Node = Node;
            }

            requests.Add(request);
        }

        return requests;
    }

    private sealed class TypeSubscription
    {
        public bool Wildcard { get; set; }

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Versions { get; } = new(StringComparer.Ordinal);
    }
}
