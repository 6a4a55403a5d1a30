using Mesh.Ca.Leaves;
using Mesh.Fsm;
using Mesh.Server;
using Mesh.Server.Access;
using Microsoft.Extensions.Logging;

namespace Mesh.ProxyCfg;

/// <summary>
/// The server's proxycfg: keeps one state per watched proxy and one per proxyless client key, built from this server's
/// own store (followers serve from local state, as Consul 1.14+ does), and shares store watches between them.
/// </summary>
public sealed class ProxyConfigSource : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ProxyId, ProxyState> _states = [];
    private readonly Dictionary<ProxylessKey, ProxylessState> _proxyless = [];
    private long _builds;
    private long _publishes;
    private bool _disposed;

    public ProxyConfigSource(StateMachine fsm, LeafCertCache leaves, AgentIdentity self, ProxyCfgOptions options, ILoggerFactory loggerFactory,
        IAccessPolicy? access = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Fsm = fsm ?? throw new ArgumentNullException(nameof(fsm));
        Leaves = leaves ?? throw new ArgumentNullException(nameof(leaves));
        Self = self ?? throw new ArgumentNullException(nameof(self));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Access = access ?? AllowAllPolicy.Instance;
        Logger = loggerFactory.CreateLogger<ProxyConfigSource>();
        Registry = new StoreWatchRegistry(fsm);
        UpdateLimit = new UpdateRateLimit(options.UpdateMaxPerSecond);
    }

    /// <summary>Snapshot builds so far (metric).</summary>
    public long Builds => Interlocked.Read(ref _builds);

    /// <summary>Snapshots published so far (metric).</summary>
    public long Publishes => Interlocked.Read(ref _publishes);

    /// <summary>Proxies currently watched (metric).</summary>
    public int WatchedProxies
    {
        get
        {
            lock (_lock)
            {
                return _states.Count;
            }
        }
    }

    /// <summary>Proxyless client keys currently watched (metric).</summary>
    public int WatchedProxyless
    {
        get
        {
            lock (_lock)
            {
                return _proxyless.Count;
            }
        }
    }

    internal StateMachine Fsm { get; }

    /// <summary>
    /// Where chain targets in other datacenters are followed (the server's WAN federation); null follows none, and
    /// such targets have no endpoints.
    /// </summary>
    public Mesh.Server.Federation.IDatacenterHealthSource? Datacenters { get; init; }

    /// <summary>
    /// The other datacenters this server knows, with a change signal (the server's WAN federation): a mesh gateway follows
    /// each one's mesh gateways. Null: none known.
    /// </summary>
    public Mesh.Server.Federation.IKnownDatacenters? KnownDatacenters { get; init; }

    /// <summary>The token other datacenters' queries carry (the agent token; tokens are not replicated between datacenters).</summary>
    public Func<string> DatacenterToken { get; init; } = static () => string.Empty;

    /// <summary>The server's ACL policy: proxyless snapshots hold only the services their key's token may read.</summary>
    internal IAccessPolicy Access { get; }

    internal LeafCertCache Leaves { get; }

    internal AgentIdentity Self { get; }

    internal ProxyCfgOptions Options { get; }

    internal ILogger Logger { get; }

    internal StoreWatchRegistry Registry { get; }

    internal UpdateRateLimit UpdateLimit { get; }

    /// <summary>This server's build caches (latest store version's chains and endpoints, parsed filters).</summary>
    internal BuildCaches Caches { get; } = new();

    /// <summary>This server's snapshot comparison (with its own encoding memo); the xDS server uses it too.</summary>
    public SnapshotEquality Equality { get; } = new();

    /// <summary>A watch of the proxy with this ID, or null if no connect-proxy with that ID is in the catalog.</summary>
    public ProxyWatch? TryWatch(ProxyId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ProxyState? started = null;
        ProxyWatch watch;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_states.TryGetValue(id, out var state))
            {
                if (SnapshotBuilder.FindProxy(Fsm.Current, id) is null)
                {
                    return null;
                }

                state = started = new ProxyState(this, id);
                _states[id] = state;
            }

            state.RefCount++;
            watch = new ProxyWatch(this, state);
        }

        if (started is not null)
        {
            ProxyCfgLog.ProxyWatched(Logger, id);
            started.Start();
        }

        return watch;
    }

    /// <summary>
    /// A watch of a proxyless client key's snapshots, sharing the key's state with every other stream of it. With ACLs
    /// off the token is dropped from the key, so every client of one node (or declared service) shares.
    /// </summary>
    public ProxylessWatch WatchProxyless(ProxylessKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Access.Enabled)
        {
            key = key.WithoutToken();
        }

        ProxylessState? started = null;
        ProxylessWatch watch;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_proxyless.TryGetValue(key, out var state))
            {
                state = started = new ProxylessState(this, key);
                _proxyless[key] = state;
            }

            state.RefCount++;
            watch = new ProxylessWatch(this, state);
        }

        if (started is not null)
        {
            ProxyCfgLog.ProxylessWatched(Logger, key);
            started.Start();
        }

        return watch;
    }

    public async ValueTask DisposeAsync()
    {
        List<ProxyState> states;
        List<ProxylessState> proxyless;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            states = [.. _states.Values];
            _states.Clear();
            proxyless = [.. _proxyless.Values];
            _proxyless.Clear();
        }

        Registry.Dispose();
        foreach (var state in states)
        {
            Registry.Remove(state);
            await state.DisposeAsync();
        }

        foreach (var state in proxyless)
        {
            Registry.Remove(state);
            await state.DisposeAsync();
        }

        UpdateLimit.Dispose();
    }

    internal void CountBuild() => Interlocked.Increment(ref _builds);

    internal void CountPublish() => Interlocked.Increment(ref _publishes);

    internal async ValueTask ReleaseAsync(ProxyState state)
    {
        lock (_lock)
        {
            if (--state.RefCount > 0)
            {
                return;
            }

            if (_states.TryGetValue(state.Id, out var current) && ReferenceEquals(current, state))
            {
                _states.Remove(state.Id);
            }
        }

        Registry.Remove(state);
        await state.DisposeAsync();
        ProxyCfgLog.ProxyReleased(Logger, state.Id);
    }

    internal async ValueTask ReleaseAsync(ProxylessState state)
    {
        lock (_lock)
        {
            if (--state.RefCount > 0)
            {
                return;
            }

            if (_proxyless.TryGetValue(state.Key, out var current) && ReferenceEquals(current, state))
            {
                _proxyless.Remove(state.Key);
            }
        }

        Registry.Remove(state);
        await state.DisposeAsync();
        ProxyCfgLog.ProxylessReleased(Logger, state.Key);
    }

    /// <summary>Called from the state's own build loop when the proxy left the catalog: forget it without awaiting the loop.</summary>
    internal void OnRemoved(ProxyState state)
    {
        lock (_lock)
        {
            if (_states.TryGetValue(state.Id, out var current) && ReferenceEquals(current, state))
            {
                _states.Remove(state.Id);
            }
        }

        Registry.Remove(state);
        ProxyCfgLog.ProxyRemoved(Logger, state.Id);
    }

    /// <summary>The state of a watched proxy (tests and diagnostics).</summary>
    internal ProxyState? Find(ProxyId id)
    {
        lock (_lock)
        {
            return _states.GetValueOrDefault(id);
        }
    }

    /// <summary>The state of a watched proxyless key (tests and diagnostics).</summary>
    internal ProxylessState? Find(ProxylessKey key)
    {
        lock (_lock)
        {
            return _proxyless.GetValueOrDefault(Access.Enabled ? key : key.WithoutToken());
        }
    }
}
