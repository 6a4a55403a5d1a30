using Mesh.Ca.Leaves;
using Mesh.Fsm;
using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.ProxyCfg;

/// <summary>
/// The server's proxycfg: keeps one state per watched proxy, built from this server's own store (followers serve from
/// local state, as Consul 1.14+ does) and shares store watches between proxies.
/// </summary>
public sealed class ProxyConfigSource : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ProxyId, ProxyState> _states = [];
    private long _builds;
    private long _publishes;
    private bool _disposed;

    public ProxyConfigSource(StateMachine fsm, LeafCertCache leaves, AgentIdentity self, ProxyCfgOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Fsm = fsm ?? throw new ArgumentNullException(nameof(fsm));
        Leaves = leaves ?? throw new ArgumentNullException(nameof(leaves));
        Self = self ?? throw new ArgumentNullException(nameof(self));
        Options = options ?? throw new ArgumentNullException(nameof(options));
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

    internal StateMachine Fsm { get; }

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

    public async ValueTask DisposeAsync()
    {
        List<ProxyState> states;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            states = [.. _states.Values];
            _states.Clear();
        }

        Registry.Dispose();
        foreach (var state in states)
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
}
