using Mesh.Ca.Leaves;

namespace Mesh.ProxyCfg;

/// <summary>
/// One watched sidecar or gateway (Consul's proxycfg <c>state</c>): the shared build loop of
/// <see cref="SnapshotState{TSnapshot}"/> plus a leaf loop. Store keys its last build read and a new leaf mark it dirty;
/// only a valid snapshot (roots and leaf present) is published.
/// </summary>
internal sealed class ProxyState : SnapshotState<ConfigSnapshot>
{
    private readonly Lock _leafGate = new();
    private Task _leafLoop = Task.CompletedTask;
    private CancellationTokenSource? _leafStop;
    private readonly IDisposable? _datacentersChanged;
    private LeafRequest? _leafRequest;
    private IssuedLeaf? _leaf;
    private bool _followsDatacenters;

    public ProxyState(ProxyConfigSource source, ProxyId id)
        : base(source)
    {
        Id = id;
        LinkedLeaves = new LinkedServiceLeaves(source, id, MarkDirty, Stopping);
        RemoteRows = new RemoteTargetRows(source, id, MarkDirty, Stopping);
        RemoteGateways = new RemoteGatewayRows(source, id, MarkDirty, Stopping);

        // A mesh gateway follows every known datacenter: a change of that set rebuilds it (and so starts or stops loops).
        _datacentersChanged = source.KnownDatacenters?.OnChanged(() =>
        {
            if (Volatile.Read(ref _followsDatacenters))
            {
                MarkDirty();
            }
        });
    }

    /// <summary>Other datacenters' mesh gateways the builds used, as their servers last answered.</summary>
    private RemoteGatewayRows RemoteGateways { get; }

    /// <summary>The instances of chain targets in other datacenters, as their servers last answered.</summary>
    private RemoteTargetRows RemoteRows { get; }

    /// <summary>A terminating gateway's leaves for the services it links (none for other kinds).</summary>
    private LinkedServiceLeaves LinkedLeaves { get; }

    public ProxyId Id { get; }

    protected override async ValueTask OnStoppedAsync()
    {
        Task leafLoop;
        lock (_leafGate)
        {
            leafLoop = _leafLoop;
        }

        await Quietly(leafLoop);
        await LinkedLeaves.StopAsync();
        _datacentersChanged?.Dispose();
        await RemoteRows.StopAsync();
        await RemoteGateways.StopAsync();
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

        EnsureLeafLoop(SnapshotBuilder.LeafRequestFor(state, proxy, Source.Self));
        LinkedLeaves.Keep(proxy.Kind == Mesh.Fsm.Model.ServiceKind.TerminatingGateway
            ? TerminatingGatewayBuilder.Links(state, proxy.Service).Select(link => link.Service).ToHashSet(StringComparer.Ordinal)
            : []);
        var reads = new HashSet<string>(StringComparer.Ordinal);
        var scope = new BuildScope(Source.Caches.For(state), reads, Published)
        {
            ServiceLeaf = LinkedLeaves.For,
            RemoteRows = RemoteRows.For,
            RemoteGateways = RemoteGateways.For,
            KnownDatacenters = () => Source.KnownDatacenters?.Remote() ?? [],
        };
        Volatile.Write(ref _followsDatacenters, proxy.Kind == Mesh.Fsm.Model.ServiceKind.MeshGateway);
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

        if (snapshot is not null)
        {
            RemoteRows.Keep([.. scope.RemoteTargets]);
            RemoteGateways.Keep([.. scope.GatewayDatacenters]);
        }

        Built(state, reads);
        if (snapshot is not null && Publish(snapshot, Source.Equality.Same))
        {
            ProxyCfgLog.SnapshotPublished(Source.Logger, Id, snapshot.StoreIndex);
        }

        return true;
    }

    /// <summary>
    /// Starts (or, when the request changed, restarts) the leaf loop. A new service drops the held leaf; new DNS names
    /// for the same service (an ingress gateway's hosts changed) keep presenting it until the new one arrives.
    /// </summary>
    private void EnsureLeafLoop(LeafRequest request)
    {
        lock (_leafGate)
        {
            if (request.Equals(_leafRequest) || Stopped)
            {
                return;
            }

            _leafStop?.Cancel();
            _leafStop?.Dispose();
            _leafStop = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            if (_leafRequest?.Service != request.Service)
            {
                Volatile.Write(ref _leaf, null);
            }

            _leafRequest = request;
            var token = _leafStop.Token;
            _leafLoop = Task.Run(() => LeafLoopAsync(request, token));
        }
    }

    private Task LeafLoopAsync(LeafRequest request, CancellationToken cancellationToken)
        => LeafFollower.RunAsync(Source, Id, request, () => Volatile.Read(ref _leaf), leaf =>
        {
            Volatile.Write(ref _leaf, leaf);
            MarkDirty();
        }, cancellationToken);
}
