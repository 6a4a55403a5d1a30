using System.Threading.Channels;
using Mesh.Ca.Leaves;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// One watched proxy (Consul's proxycfg <c>state</c>): a leaf loop and a build loop. Any change it is interested in
/// (store keys its last build read, a new leaf) marks it dirty; changes within the coalesce window give one build;
/// a valid snapshot that differs from the last published one is published to the proxy's watches (latest wins).
/// </summary>
internal sealed class ProxyState : IAsyncDisposable
{
    /// <summary>Longest single leaf wait; the loop simply asks again.</summary>
    private static readonly TimeSpan LeafWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LeafRetry = TimeSpan.FromSeconds(1);

    private readonly ProxyConfigSource _source;
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _buildLoop = Task.CompletedTask;
    private Task _leafLoop = Task.CompletedTask;
    private CancellationTokenSource? _leafStop;
    private string _leafService = string.Empty;
    private IssuedLeaf? _leaf;
    private ConfigSnapshot? _published;
    private long _version;
    private bool _removed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _builds;
    private int _disposed;

    public ProxyState(ProxyConfigSource source, ProxyId id)
    {
        _source = source;
        Id = id;
    }

    public ProxyId Id { get; }

    /// <summary>Watches holding this state; guarded by the source's lock.</summary>
    public int RefCount { get; set; }

    public long Builds => Interlocked.Read(ref _builds);

    public bool Stopped => _stop.IsCancellationRequested;

    public void Start()
    {
        _buildLoop = Task.Run(() => BuildLoopAsync(_stop.Token));
        MarkDirty();
    }

    public void MarkDirty() => _dirty.Writer.TryWrite(true);

    /// <summary>The latest published snapshot and its version, whether the proxy is gone, and a task completing on the next change.</summary>
    public (long Version, ConfigSnapshot? Snapshot, bool Removed, Task Changed) Read()
    {
        lock (_gate)
        {
            return (_version, _published, _removed, _changed.Task);
        }
    }

    /// <summary>Stops both loops; watches see the proxy as removed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        MarkRemoved();
        await _stop.CancelAsync();
        _dirty.Writer.TryComplete();
        await Quietly(_buildLoop);
        Task leafLoop;
        lock (_gate)
        {
            leafLoop = _leafLoop;
        }

        await Quietly(leafLoop);
        _leafStop?.Dispose();
        _stop.Dispose();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void MarkRemoved()
    {
        lock (_gate)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
            Signal();
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task BuildLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _dirty.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            reader.TryRead(out _);
            if (_source.Options.CoalesceDelay > TimeSpan.Zero)
            {
                await Task.Delay(_source.Options.CoalesceDelay, cancellationToken);
            }

            await _source.UpdateLimit.AcquireAsync(cancellationToken);
            reader.TryRead(out _); // whatever arrived during the window (and the wait for a rebuild slot) is covered
            if (!BuildOnce())
            {
                return;
            }
        }
    }

    /// <summary>One build from the current store; false once the proxy is gone.</summary>
    private bool BuildOnce()
    {
        var state = _source.Fsm.Current;
        if (SnapshotBuilder.FindProxy(state, Id) is not { } proxy)
        {
            _source.OnRemoved(this); // forgotten before watches hear of it, so a new TryWatch cannot find this state
            MarkRemoved();
            _stop.Cancel(); // ends the leaf loop too; the last watch's dispose awaits both
            return false;
        }

        EnsureLeafLoop(proxy.Proxy.DestinationServiceName);
        var reads = new HashSet<string>(StringComparer.Ordinal);
        ConfigSnapshot? previous;
        lock (_gate)
        {
            previous = _published;
        }

        var scope = new BuildScope(_source.Caches.For(state), reads, previous);
        ConfigSnapshot? snapshot;
        try
        {
            snapshot = SnapshotBuilder.Build(state, Id, Volatile.Read(ref _leaf), _source.Self, scope);
            foreach (var failure in scope.ChainFailures)
            {
                if (failure.KeptLast)
                {
                    ProxyCfgLog.ChainKept(_source.Logger, failure.Upstream, Id, failure.Reason);
                }
                else
                {
                    ProxyCfgLog.ChainMissing(_source.Logger, failure.Upstream, Id, failure.Reason);
                }
            }
        }
#pragma warning disable CA1031 // one proxy's bad config must not stop its loop; it is rebuilt on the next change
        catch (Exception error)
#pragma warning restore CA1031
        {
            ProxyCfgLog.BuildFailed(_source.Logger, Id, error);
            snapshot = null;
        }

        Interlocked.Increment(ref _builds);
        _source.CountBuild();
        _source.Registry.Update(this, reads);

        // A change applied between reading the state and registering the keys would otherwise be missed.
        var now = _source.Fsm.Current;
        if (!ReferenceEquals(now, state) && reads.Any(key => now.IndexOf(key) != state.IndexOf(key)))
        {
            MarkDirty();
        }

        if (snapshot is not null)
        {
            Publish(snapshot);
        }

        return true;
    }

    private void Publish(ConfigSnapshot snapshot)
    {
        lock (_gate)
        {
            if (_removed || _source.Equality.Same(_published, snapshot))
            {
                return;
            }

            _published = snapshot;
            _version++;
            Signal();
        }

        _source.CountPublish();
        ProxyCfgLog.SnapshotPublished(_source.Logger, Id, snapshot.StoreIndex);
    }

    /// <summary>Starts (or, when the proxied service changed, restarts) the leaf loop for the destination service.</summary>
    private void EnsureLeafLoop(string service)
    {
        lock (_gate)
        {
            if (service == _leafService || _stop.IsCancellationRequested)
            {
                return;
            }

            _leafStop?.Cancel();
            _leafStop?.Dispose();
            _leafStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _leafService = service;
            Volatile.Write(ref _leaf, null);
            var token = _leafStop.Token;
            _leafLoop = Task.Run(() => LeafLoopAsync(service, token));
        }
    }

    private async Task LeafLoopAsync(string service, CancellationToken cancellationToken)
    {
        long minIndex = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var leaf = await _source.Leaves.GetAsync(service, minIndex, LeafWait, cancellationToken);
                var current = Volatile.Read(ref _leaf);
                if (current is null || leaf.ModifyIndex != current.ModifyIndex || leaf.SerialNumber != current.SerialNumber)
                {
                    Volatile.Write(ref _leaf, leaf);
                    ProxyCfgLog.LeafArrived(_source.Logger, leaf.SerialNumber, service, Id);
                    MarkDirty();
                }

                minIndex = leaf.ModifyIndex;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the leader may be away or rate limiting; keep asking
            catch (Exception error)
#pragma warning restore CA1031
            {
                ProxyCfgLog.LeafFailed(_source.Logger, service, Id, error);
                await Task.Delay(LeafRetry, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }
}
