using Mesh.Ca.Leaves;

namespace Mesh.ProxyCfg;

/// <summary>
/// The leaves a terminating gateway presents for the services it links (Consul's per-service leaf watches of
/// <c>handlerTerminatingGateway</c>): one <see cref="LeafFollower"/> per linked service, started when a build sees the
/// link and stopped (its leaf dropped) when the link goes. A new leaf calls <c>changed</c>, which marks the proxy dirty.
/// </summary>
internal sealed class LinkedServiceLeaves(ProxyConfigSource source, ProxyId id, Action changed, CancellationToken stopping)
{
    private readonly KeyedLoops<string, IssuedLeaf> _loops = new(StringComparer.Ordinal, stopping);

    /// <summary>The leaf issued for <paramref name="service"/> so far, or null.</summary>
    public IssuedLeaf? For(string service) => _loops.For(service);

    /// <summary>Follows exactly the leaves of <paramref name="services"/>: starts the missing ones, stops the others.</summary>
    public void Keep(IReadOnlyCollection<string> services)
        => _loops.Keep(services, (service, token) => LeafFollower.RunAsync(source, id, new LeafRequest(service), () => For(service), leaf => Arrived(service, leaf, token), token));

    /// <summary>Waits for every follower to end (after the proxy's stop token was cancelled) and releases them.</summary>
    public ValueTask StopAsync() => _loops.StopAsync();

    private void Arrived(string service, IssuedLeaf leaf, CancellationToken token)
    {
        // Not recorded when the link went while this leaf was on its way.
        if (_loops.Publish(service, leaf, token))
        {
            changed();
        }
    }
}
