using System.Collections.Concurrent;
using System.Collections.Immutable;
using Mesh.Config.DiscoveryChain;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// Compiled chains and target endpoint lists of one store version, shared by every proxy built from it: thousands of
/// proxies with the same upstream compile its chain and list its endpoints once per store change. Owned by a server's
/// <see cref="BuildCaches"/>, which keeps only the latest version's, so it never mixes two state machines and goes
/// away with the state it describes.
/// </summary>
internal sealed class BuildCache
{
    private readonly FilterCache _filters;
    private readonly ConcurrentDictionary<CompileRequest, ChainCompilationResult> _chains = new();
    private readonly ConcurrentDictionary<(string Service, string Filter), ImmutableArray<UpstreamEndpoint>> _endpoints = new();

    private readonly ConcurrentDictionary<(string Service, string Filter), ImmutableArray<UpstreamEndpoint>> _instances = new();

    private ImmutableSortedSet<string>? _typicalServiceNames;

    public BuildCache(StoreState state, FilterCache filters)
    {
        State = state;
        _filters = filters;
    }

    /// <summary>The parsed subset filters (shared with every build of the server).</summary>
    public FilterCache Filters => _filters;

    /// <summary>The store version this cache describes.</summary>
    public StoreState State { get; }

    /// <summary>A cache of its own for one build (tests and one-off builds share nothing).</summary>
    public static BuildCache Unshared(StoreState state) => new(state, new FilterCache());

    /// <summary>The compiled chain, or why the entries do not form a valid chain.</summary>
    public ChainCompilationResult Chain(CompileRequest request) => _chains.GetOrAdd(request, Compile, State);

    public ImmutableArray<UpstreamEndpoint> Endpoints(string service, string filter)
        => _endpoints.GetOrAdd((service, filter), static (key, cache) => UpstreamEndpoints.Resolve(cache.State, key.Service, key.Filter, cache._filters), this);

    /// <summary>A service's own instances (what a terminating gateway sends to), narrowed by a subset filter.</summary>
    public ImmutableArray<UpstreamEndpoint> Instances(string service, string filter)
        => _instances.GetOrAdd((service, filter), static (key, cache) => ServiceInstances.Resolve(cache.State, key.Service, key.Filter, cache._filters), this);

    /// <summary>The names of the typical (non-proxy, non-gateway) services in the catalog, sorted.</summary>
    public ImmutableSortedSet<string> TypicalServiceNames()
        => _typicalServiceNames ??= State.Services.Values
            .Where(service => service.Kind == Mesh.Fsm.Model.ServiceKind.Typical)
            .Select(service => service.Service)
            .ToImmutableSortedSet(StringComparer.Ordinal);

    private static ChainCompilationResult Compile(CompileRequest request, StoreState state)
    {
        try
        {
            return new ChainCompilationResult(DiscoveryChainCompiler.Compile(state, request), null);
        }
        catch (DiscoveryChainException error)
        {
            return new ChainCompilationResult(null, error.Message);
        }
    }
}

/// <summary>A compiled chain, or the compiler's reason for refusing the entries.</summary>
internal sealed record ChainCompilationResult(CompiledDiscoveryChain? Chain, string? Error);
