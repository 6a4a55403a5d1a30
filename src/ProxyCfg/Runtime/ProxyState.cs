using Mesh.Ca.Leaves;

namespace Mesh.ProxyCfg;

/// <summary>
/// One watched sidecar or gateway (Consul's proxycfg <c>state</c>): the shared build loop of
/// <see cref="SnapshotState{TSnapshot}"/> plus a leaf loop. Store keys its last build read and a new leaf mark it dirty;
/// only a valid snapshot (roots and leaf present) is published.
/// </summary>
internal sealed class ProxyState : SnapshotState<ConfigSnapshot>
{
    /// <summary>Longest single leaf wait; the loop simply asks again.</summary>
    private static readonly TimeSpan LeafWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LeafRetry = TimeSpan.FromSeconds(1);

    private readonly Lock _leafGate = new();
    private Task _leafLoop = Task.CompletedTask;
    private CancellationTokenSource? _leafStop;
    private string _leafService = string.Empty;
    private IssuedLeaf? _leaf;

    public ProxyState(ProxyConfigSource source, ProxyId id)
        : base(source)
    {
        Id = id;
    }

    public ProxyId Id { get; }

    protected override async ValueTask OnStoppedAsync()
    {
        Task leafLoop;
        lock (_leafGate)
        {
            leafLoop = _leafLoop;
        }

        await Quietly(leafLoop);
        _leafStop?.Dispose();
    }

    /// <summary>One build from the current store; false once the proxy is gone.</summary>
    protected override bool BuildOnce()
    {
        var state = Source.Fsm.Current;
        if (SnapshotBuilder.FindProxy(state, Id) is not { } proxy)
        {
            Source.OnRemoved(this); // forgotten before watches hear of it, so a new TryWatch cannot find this state
            MarkRemoved();
            Stop(); // ends the leaf loop too; the last watch's dispose awaits both
            return false;
        }

        EnsureLeafLoop(SnapshotBuilder.LeafService(proxy));
        var reads = new HashSet<string>(StringComparer.Ordinal);
        var scope = new BuildScope(Source.Caches.For(state), reads, Published);
        ConfigSnapshot? snapshot;
        try
        {
            snapshot = SnapshotBuilder.Build(state, Id, Volatile.Read(ref _leaf), Source.Self, scope);
            foreach (var failure in scope.ChainFailures)
            {
                if (failure.KeptLast)
                {
                    ProxyCfgLog.ChainKept(Source.Logger, failure.Upstream, Id, failure.Reason);
                }
                else
                {
                    ProxyCfgLog.ChainMissing(Source.Logger, failure.Upstream, Id, failure.Reason);
                }
            }
        }
#pragma warning disable CA1031 // one proxy's bad config must not stop its loop; it is rebuilt on the next change
        catch (Exception error)
#pragma warning restore CA1031
        {
            ProxyCfgLog.BuildFailed(Source.Logger, Id, error);
            snapshot = null;
        }

        Built(state, reads);
        if (snapshot is not null && Publish(snapshot, Source.Equality.Same))
        {
            ProxyCfgLog.SnapshotPublished(Source.Logger, Id, snapshot.StoreIndex);
        }

        return true;
    }

    /// <summary>Starts (or, when the proxied service changed, restarts) the leaf loop for the destination service.</summary>
    private void EnsureLeafLoop(string service)
    {
        lock (_leafGate)
        {
            if (service == _leafService || Stopped)
            {
                return;
            }

            _leafStop?.Cancel();
            _leafStop?.Dispose();
            _leafStop = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
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
                var leaf = await Source.Leaves.GetAsync(service, minIndex, LeafWait, cancellationToken);
                var current = Volatile.Read(ref _leaf);
                if (current is null || leaf.ModifyIndex != current.ModifyIndex || leaf.SerialNumber != current.SerialNumber)
                {
                    Volatile.Write(ref _leaf, leaf);
                    ProxyCfgLog.LeafArrived(Source.Logger, leaf.SerialNumber, service, Id);
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
                ProxyCfgLog.LeafFailed(Source.Logger, service, Id, error);
                await Task.Delay(LeafRetry, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }
}
