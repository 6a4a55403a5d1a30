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
                // Another datacenter's instances, as its servers last answered (direct to its endpoints: mesh gateway
                // mode none); empty until the first answer.
                Scope.RemoteTargets.Add(new RemoteTarget(target.Datacenter, target.Service));
                endpoints[targetId] = Scope.RemoteRows(target.Datacenter, target.Service) is { } rows
                    ? UpstreamEndpoints.FromRows(rows, target.Subset.Filter ?? string.Empty, Scope.Cache.Filters)
                    : [];
            }
        }

        return new UpstreamSnapshot { Id = id, Config = registration, Chain = chain, Endpoints = endpoints.ToImmutable() };
    }
}
