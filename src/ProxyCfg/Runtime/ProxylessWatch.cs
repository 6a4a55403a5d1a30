namespace Mesh.ProxyCfg;

/// <summary>One SotW stream's view of its client key's snapshots; every watch of a key shares one state.</summary>
public sealed class ProxylessWatch : SnapshotWatch<ProxylessSnapshot>
{
    private readonly ProxyConfigSource _source;

    internal ProxylessWatch(ProxyConfigSource source, ProxylessState state)
        : base(state)
    {
        _source = source;
        State = state;
    }

    public ProxylessKey Key => State.Key;

    internal ProxylessState State { get; }

    private protected override ValueTask ReleaseAsync() => _source.ReleaseAsync(State);
}
