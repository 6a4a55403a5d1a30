using Mesh.Server.Federation;

namespace Mesh.ProxyCfg;

/// <summary>
/// The Connect instances of a proxy's chain targets in other datacenters (Consul's cross-datacenter health watches of
/// the upstream handler): one blocking-query loop per (datacenter, service) through the server's
/// <see cref="IDatacenterHealthSource"/>, started when a build resolves such a target and stopped when none does any
/// more. New rows call <c>changed</c>, which marks the proxy dirty. Without a source nothing is followed.
/// </summary>
internal sealed class RemoteTargetRows(ProxyConfigSource source, ProxyId id, Action changed, CancellationToken stopping)
{
    private readonly KeyedLoops<RemoteTarget, IReadOnlyList<HealthRow>> _loops = new(EqualityComparer<RemoteTarget>.Default, stopping);

    /// <summary>The rows last answered for a service in a datacenter, or null while none arrived.</summary>
    public IReadOnlyList<HealthRow>? For(string datacenter, string service) => _loops.For(new RemoteTarget(datacenter, service));

    /// <summary>Follows exactly <paramref name="targets"/>: starts the missing loops, stops the others.</summary>
    public void Keep(IReadOnlyCollection<RemoteTarget> targets)
    {
        if (source.Datacenters is { } datacenters)
        {
            _loops.Keep(targets, (target, token) => DatacenterQueryLoop.RunAsync(
                datacenters,
                index => new DatacenterHealthQuery
                {
                    Datacenter = target.Datacenter,
                    Service = target.Service,
                    Connect = true,
                    MinIndex = index,
                    Wait = DatacenterQueryLoop.QueryWait,
                    Token = source.DatacenterToken(),
                },
                rows =>
                {
                    if (_loops.Publish(target, rows, token, HealthRowComparer.SameRows))
                    {
                        changed();
                    }
                },
                reason => ProxyCfgLog.RemoteTargetFailed(source.Logger, target.Service, target.Datacenter, id, reason),
                token));
        }
    }

    /// <summary>Waits for every loop to end (after the proxy's stop token was cancelled) and releases them.</summary>
    public ValueTask StopAsync() => _loops.StopAsync();
}
