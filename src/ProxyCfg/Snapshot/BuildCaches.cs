using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// One server's build caches (owned by its <see cref="ProxyConfigSource"/>): the <see cref="BuildCache"/> of the latest
/// store version and the parsed subset filters. Only one store version is cached at a time, so memory is bounded by
/// one state's chains and endpoint lists; a build from an older state than the cached one gets a cache of its own.
/// </summary>
public sealed class BuildCaches
{
    private readonly Lock _gate = new();
    private BuildCache? _latest;

    internal FilterCache Filters { get; } = new();

    internal BuildCache For(StoreState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            if (_latest is { } latest && ReferenceEquals(latest.State, state))
            {
                return latest;
            }

            var created = new BuildCache(state, Filters);
            if (_latest is null || state.AppliedIndex >= _latest.State.AppliedIndex)
            {
                _latest = created;
            }

            return created;
        }
    }
}
