namespace Mesh.ProxyCfg;

/// <summary>
/// One watched proxyless client key: the build loop, coalescing, rebuild budget and chained store watches of every
/// snapshot kind, building <see cref="ProxylessSnapshot"/>s. A proxyless client is not in the catalog, so its state
/// lives exactly as long as its watches.
/// </summary>
internal sealed class ProxylessState(ProxyConfigSource source, ProxylessKey key) : SnapshotState<ProxylessSnapshot>(source)
{
    public ProxylessKey Key { get; } = key;

    protected override bool FirstBuildImmediate => true;

    protected override bool BuildOnce()
    {
        var state = Source.Fsm.Current;
        var reads = new HashSet<string>(StringComparer.Ordinal);
        ProxylessSnapshot? snapshot;
        try
        {
            snapshot = ProxylessSnapshotBuilder.Build(state, Key, Source.Self, Source.Access, reads, Published);
        }
#pragma warning disable CA1031 // one client's build must not stop its loop; it is rebuilt on the next change
        catch (Exception error)
#pragma warning restore CA1031
        {
            ProxyCfgLog.ProxylessBuildFailed(Source.Logger, Key, error);
            snapshot = null;
        }

        Built(state, reads);
        if (snapshot is not null && Publish(snapshot, ProxylessSnapshot.Same))
        {
            ProxyCfgLog.ProxylessPublished(Source.Logger, Key, snapshot.StoreIndex);
        }

        return true;
    }
}
