using Mesh.Fsm.Model;
using Mesh.Server.Federation;

namespace Mesh.ProxyCfg;

/// <summary>
/// The mesh gateways of other datacenters a proxy needs (Consul's <c>mesh-gateway:&lt;dc&gt;</c> service-dump watches):
/// every known datacenter's for a mesh gateway, a target datacenter's for an upstream in mesh gateway mode remote. One
/// blocking-query loop per datacenter (instances of kind <c>mesh-gateway</c>, the token checked there), started and
/// stopped as the builds ask; new rows call <c>changed</c>, which marks the proxy dirty. Without a source nothing is followed.
/// </summary>
internal sealed class RemoteGatewayRows(ProxyConfigSource source, ProxyId id, Action changed, CancellationToken stopping)
{
    private readonly KeyedLoops<string, IReadOnlyList<HealthRow>> _loops = new(StringComparer.OrdinalIgnoreCase, stopping);

    /// <summary>The mesh gateways last answered by a datacenter, or null while none arrived.</summary>
    public IReadOnlyList<HealthRow>? For(string datacenter) => _loops.For(datacenter);

    /// <summary>Follows exactly <paramref name="datacenters"/>: starts the missing loops, stops the others.</summary>
    public void Keep(IReadOnlyCollection<string> datacenters)
    {
        if (source.Datacenters is { } health)
        {
            _loops.Keep(datacenters, (datacenter, token) => DatacenterQueryLoop.RunAsync(
                health,
                index => new DatacenterHealthQuery
                {
                    Datacenter = datacenter,
                    Kind = ServiceKind.MeshGateway,
                    MinIndex = index,
                    Wait = DatacenterQueryLoop.QueryWait,
                    Token = source.DatacenterToken(),
                },
                rows =>
                {
                    if (_loops.Publish(datacenter, rows, token, HealthRowComparer.SameRows))
                    {
                        changed();
                    }
                },
                reason => ProxyCfgLog.RemoteGatewaysFailed(source.Logger, datacenter, id, reason),
                token));
        }
    }

    /// <summary>Waits for every loop to end (after the proxy's stop token was cancelled) and releases them.</summary>
    public ValueTask StopAsync() => _loops.StopAsync();
}
