using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>What every upstream of one build shares: the state, the server, the destination and the reads being recorded.</summary>
internal sealed class UpstreamContext(StoreState state, AgentIdentity self, string destination, ISet<string>? reads)
{
    /// <summary>Config kinds a compiled chain can depend on (any service's entries, so the whole kind is watched).</summary>
    private static readonly string[] ChainKinds = ["service-router", "service-splitter", "service-resolver", ServiceDefaultsKind.KindName, ProxyDefaultsKind.KindName];

    public StoreState State { get; } = state;

    public AgentIdentity Self { get; } = self;

    public string Destination { get; } = destination;

    public ISet<string>? Reads { get; } = reads;

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
        var chain = BuildCache.For(State).Chain(request);
        if (chain is null)
        {
            return null; // the entries do not form a valid chain; Consul's watch would report the error
        }

        var endpoints = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<UpstreamEndpoint>>(StringComparer.Ordinal);
        foreach (var (targetId, target) in chain.Targets)
        {
            Reads?.Add(WatchKeys.Connect(target.Service));
            Reads?.Add(WatchKeys.Service(target.Service));
            endpoints[targetId] = target.Peer.Length == 0 && Self.IsLocalDatacenter(target.Datacenter)
                ? BuildCache.For(State).Endpoints(target.Service, target.Subset.Filter ?? string.Empty)
                : [];
        }

        return new UpstreamSnapshot { Id = id, Config = registration, Chain = chain, Endpoints = endpoints.ToImmutable() };
    }
}
