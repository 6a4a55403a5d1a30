using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Mesh.Config.DiscoveryChain;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// Compiled chains and target endpoint lists of one store version, shared by every proxy built from it: thousands of
/// proxies with the same upstream compile its chain and list its endpoints once per store change. Held weakly by the
/// state object, so it goes away with the state (and never mixes two state machines that reached the same index).
/// </summary>
internal sealed class BuildCache
{
    private static readonly ConditionalWeakTable<StoreState, BuildCache> ByState = new();

    private readonly StoreState _state;
    private readonly ConcurrentDictionary<CompileRequest, CompiledDiscoveryChain?> _chains = new();
    private readonly ConcurrentDictionary<(string Service, string Filter), ImmutableArray<UpstreamEndpoint>> _endpoints = new();

    private ImmutableSortedSet<string>? _typicalServiceNames;

    private BuildCache(StoreState state) => _state = state;

    public static BuildCache For(StoreState state) => ByState.GetValue(state, static s => new BuildCache(s));

    /// <summary>The compiled chain, or null when the entries do not form a valid chain.</summary>
    public CompiledDiscoveryChain? Chain(CompileRequest request) => _chains.GetOrAdd(request, Compile, _state);

    public ImmutableArray<UpstreamEndpoint> Endpoints(string service, string filter)
        => _endpoints.GetOrAdd((service, filter), static (key, state) => UpstreamEndpoints.Resolve(state, key.Service, key.Filter), _state);

    /// <summary>The names of the typical (non-proxy, non-gateway) services in the catalog, sorted.</summary>
    public ImmutableSortedSet<string> TypicalServiceNames()
        => _typicalServiceNames ??= _state.Services.Values
            .Where(service => service.Kind == Mesh.Fsm.Model.ServiceKind.Typical)
            .Select(service => service.Service)
            .ToImmutableSortedSet(StringComparer.Ordinal);

    private static CompiledDiscoveryChain? Compile(CompileRequest request, StoreState state)
    {
        try
        {
            return DiscoveryChainCompiler.Compile(state, request);
        }
        catch (DiscoveryChainException)
        {
            return null;
        }
    }
}
