namespace Mesh.ProxyCfg;

/// <summary>What <see cref="StoreWatchRegistry"/> wakes when a key it read changes: a sidecar's or a proxyless client's state.</summary>
internal interface IStoreWatcher
{
    void MarkDirty();
}
