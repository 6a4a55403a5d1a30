namespace Mesh.ProxyCfg;

/// <summary>
/// One consumer's view of a proxy's snapshots (an xDS stream holds one). Several watches of the same proxy share one
/// proxy state; disposing the last one tears it down. Delivery is "latest wins": a consumer that is slow skips
/// intermediate snapshots.
/// </summary>
public sealed class ProxyWatch : IAsyncDisposable
{
    public ProxyId Id => throw new NotImplementedException();

    /// <summary>
    /// Waits for a snapshot newer than the last one this watch returned (the current valid one first).
    /// Returns null when the proxy was removed from the catalog; the watch is then finished.
    /// </summary>
    public ValueTask<ConfigSnapshot?> NextAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
