namespace Mesh.ProxyCfg;

/// <summary>One consumer's view of a sidecar's or gateway's snapshots; several watches of one proxy share its state.</summary>
public sealed class ProxyWatch : SnapshotWatch<ConfigSnapshot>
{
    private readonly ProxyConfigSource _source;

    internal ProxyWatch(ProxyConfigSource source, ProxyState state)
        : base(state)
    {
        _source = source;
        State = state;
    }

    public ProxyId Id => State.Id;

    internal ProxyState State { get; }

    private protected override ValueTask ReleaseAsync() => _source.ReleaseAsync(State);
}
