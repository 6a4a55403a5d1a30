namespace Mesh.ProxyCfg;

/// <summary>
/// One SotW stream's view of its client key's snapshots. Every watch of a key shares one state; disposing the last one
/// tears it down. Delivery is latest-wins, as for sidecars.
/// </summary>
public sealed class ProxylessWatch : IAsyncDisposable
{
    private readonly ProxyConfigSource _source;
    private long _seen;
    private int _disposed;

    internal ProxylessWatch(ProxyConfigSource source, ProxylessState state)
    {
        _source = source;
        State = state;
    }

    public ProxylessKey Key => State.Key;

    internal ProxylessState State { get; }

    /// <summary>
    /// Waits for a snapshot newer than the last one this watch returned (the current one first). Returns null when
    /// proxycfg is shutting down; the watch is then finished.
    /// </summary>
    public async ValueTask<ProxylessSnapshot?> NextAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            var (version, snapshot, removed, changed) = State.Read();
            if (removed)
            {
                return null;
            }

            if (snapshot is not null && version > _seen)
            {
                _seen = version;
                return snapshot;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
        => Interlocked.Exchange(ref _disposed, 1) == 0 ? _source.ReleaseAsync(State) : ValueTask.CompletedTask;
}
