using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>What every upstream of one build shares: the state, the server, the destination and the build's scope.</summary>
internal sealed class UpstreamContext(StoreState state, AgentIdentity self, string destination, BuildScope scope)
{
    /// <summary>Config kinds a compiled chain can depend on (any service's entries, so the whole kind is watched).</summary>
    private static readonly string[] ChainKinds = ["service-router", "service-splitter", "service-resolver", ServiceDefaultsKind.KindName, ProxyDefaultsKind.KindName];

    public StoreState State { get; } = state;

    public AgentIdentity Self { get; } = self;

    public string Destination { get; } = destination;

    public ISet<string>? Reads => Scope.Reads;

    public BuildScope Scope { get; } = scope;

    /// <summary>Compiles the chain with the upstream's overrides and resolves each local target's endpoints.</summary>
    public UpstreamSnapshot? Upstream(UpstreamId id, Upstream? registration, JsonBlob config, string datacenter, string meshGatewayMode)
    {
        foreach (var kind in ChainKinds)
        {
            Reads?.Add(WatchKeys.ConfigKind(kind));
        }

        var request = new CompileRequest
        {
            ServiceName = id.Name,
            EvaluateInDatacenter = datacenter,
            OverrideProtocol = JsonConfig.Text(config, "protocol"),
            OverrideConnectTimeout = TimeSpan.FromMilliseconds(Math.Max(0, JsonConfig.WholeNumber(config, "connect_timeout_ms"))),
            OverrideMeshGateway = meshGatewayMode,
        };
        var compiled = Scope.Cache.Chain(request);
        var chain = compiled.Chain;
        if (chain is null)
        {
            // The entries do not form a valid chain (an old log or snapshot can hold such a graph; the FSM refuses new
            // ones). Dropping the upstream would remove its listener from Envoy, so the last valid chain stays, with
            // endpoints from the current state; the runtime logs why.
            var last = Scope.Previous?.Upstreams.FirstOrDefault(upstream => upstream.Id == id)?.Chain;
            Scope.ChainFailed(id, compiled.Error ?? "the chain does not compile", keptLast: last is not null);
            if (last is null)
            {
                return null;
            }

            chain = last;
        }

        var endpoints = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<UpstreamEndpoint>>(StringComparer.Ordinal);
        foreach (var (targetId, target) in chain.Targets)
        {
            Reads?.Add(WatchKeys.Connect(target.Service));
            Reads?.Add(WatchKeys.Service(target.Service));
            if (target.Peer.Length > 0)
            {
                endpoints[targetId] = []; // peering is not supported
            }
            else if (Self.IsLocalDatacenter(target.Datacenter))
            {
                endpoints[targetId] = Scope.Cache.Endpoints(target.Service, target.Subset.Filter ?? string.Empty);
            }
            else
            {
                endpoints[targetId] = RemoteEndpoints(target);
            }
        }

        return new UpstreamSnapshot { Id = id, Config = registration, Chain = chain, Endpoints = endpoints.ToImmutable() };
    }

    /// <summary>
    /// A target in another datacenter (Consul's <c>makeLoadAssignmentEndpointGroup</c>): its instances as its servers
    /// last answered, or, in mesh gateway mode <c>remote</c>, that datacenter's gateways at their WAN address, or, in mode
    /// <c>local</c>, this datacenter's gateways at their LAN address; the cluster's SNI stays the target's, so a gateway
    /// routes by it. Through a gateway every endpoint takes the target's overall health (healthy when any instance is).
    /// Empty until the target's instances (and the gateways) are first heard, as Consul skips the cluster meanwhile.
    /// </summary>
    private ImmutableArray<UpstreamEndpoint> RemoteEndpoints(DiscoveryTarget target)
    {
        var filter = target.Subset.Filter ?? string.Empty;
        Scope.RemoteTargets.Add(new RemoteTarget(target.Datacenter, target.Service));
        ImmutableArray<UpstreamEndpoint>? gateways = null;
        switch (target.MeshGatewayMode)
        {
            case MeshGatewayModes.Remote:
                // Recorded before the target's rows are known, so both loops start together.
                Scope.GatewayDatacenters.Add(target.Datacenter);
                gateways = Scope.RemoteGateways(target.Datacenter) is { } remote ? GatewayEndpoints.Remote(remote) : [];
                break;
            case MeshGatewayModes.Local:
                gateways = GatewayEndpoints.Local(State, Self, Reads);
                break;
        }

        if (Scope.RemoteRows(target.Datacenter, target.Service) is not { } rows)
        {
            return [];
        }

        var instances = UpstreamEndpoints.FromRows(rows, filter, Scope.Cache.Filters);
        if (gateways is null)
        {
            return instances;
        }

        var health = instances.Any(instance => Healthy(instance, target.Subset.OnlyPassing)) ? HealthStatus.Passing : HealthStatus.Critical;
        return [.. gateways.Value.Select(gateway => gateway with { CheckStatuses = [health] })];
    }

    /// <summary>
    /// Consul's <c>calculateEndpointHealthAndWeight</c> verdict: no critical check (with OnlyPassing, only passing ones),
    /// and a weight of at least 1 (the warning weight when a check warns).
    /// </summary>
    private static bool Healthy(UpstreamEndpoint endpoint, bool onlyPassing)
        => endpoint.CheckStatuses.All(status => status is not (HealthStatus.Critical or HealthStatus.Maintenance) && (!onlyPassing || status == HealthStatus.Passing))
           && (endpoint.CheckStatuses.Contains(HealthStatus.Warning) ? endpoint.Weights.Warning : endpoint.Weights.Passing) >= 1;
}
