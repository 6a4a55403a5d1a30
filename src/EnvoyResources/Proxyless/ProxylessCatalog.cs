using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using HealthStatus = Mesh.Fsm.Model.HealthStatus;

namespace Mesh.EnvoyResources.Proxyless;

/// <summary>
/// What one proxyless client may see of one version of the catalog. Proxyless clients dial applications directly,
/// so their endpoints are the typical (non-proxy) instances of a service at the service's own address and port.
/// <paramref name="mayRead"/> is the ACL check of the stream's token (service:read); null allows every service.
/// </summary>
public sealed class ProxylessCatalog(StoreState state, AgentIdentity self, ProxylessClient client, Func<string, bool>? mayRead = null)
{
    public StoreState State => state;

    public AgentIdentity Self => self;

    /// <summary>The service the client speaks for, if it named one (metadata, or a node.id that is a service's name).</summary>
    public string? SourceService { get; } = client.DeclaredService ?? (HasTypical(state, client.NodeId) ? client.NodeId : null);

    /// <summary>Whether the service has a typical instance and the client's token may read it.</summary>
    public bool HasService(string name) => HasTypical(state, name) && (mayRead is null || mayRead(name));

    /// <summary>Every typical service's name, once each, in ordinal order (as first spelled in the catalog).</summary>
    public IReadOnlyList<string> ServiceNames()
    {
        var names = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in state.Services.Values)
        {
            if (service.Kind == ServiceKind.Typical)
            {
                names.TryAdd(service.Service.ToLowerInvariant(), service.Service);
            }
        }

        return [.. names.Values.Where(name => mayRead is null || mayRead(name)).Order(StringComparer.Ordinal)];
    }

    /// <summary>Intentions decide for a client that named its service; an anonymous client may dial anything.</summary>
    public bool MayDial(string service)
        => SourceService is null || IntentionDecision.Decide(state, SourceService, service, self.DefaultIntentionPolicy).Allowed;

    /// <summary>
    /// The instances of a service a client should use: critical (and maintenance) instances are left out; passing
    /// ones carry their passing weight, warning ones their warning weight, both HEALTHY (as Consul's EDS does).
    /// Instances without an IP address are left out (gRPC clients reject the whole assignment otherwise), and so
    /// are repeats of an address and port.
    /// </summary>
    public IReadOnlyList<ProxylessEndpoint> Endpoints(string service)
    {
        var endpoints = new List<ProxylessEndpoint>();
        var seen = new HashSet<(string, int)>();
        foreach (var (key, instance) in state.ServicesNamed(service))
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

            var status = WorstStatus(key.Node, instance.Id);
            if (HealthStatus.Severity(status) >= HealthStatus.Severity(HealthStatus.Critical))
            {
                continue;
            }

            var weight = status == HealthStatus.Warning ? instance.Weights.Warning : instance.Weights.Passing;
            endpoints.Add(new ProxylessEndpoint(address, instance.Port, Envoy.Config.Core.V3.HealthStatus.Healthy, weight));
        }

        return endpoints;
    }

    private string WorstStatus(string node, string serviceId)
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

    private static bool HasTypical(StoreState state, string name)
        => name.Length > 0 && state.ServicesNamed(name).Any(pair => pair.Service.Kind == ServiceKind.Typical);
}
