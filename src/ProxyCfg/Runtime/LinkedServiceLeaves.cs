using System.Collections.Immutable;
using Mesh.Ca.Leaves;

namespace Mesh.ProxyCfg;

/// <summary>
/// The leaves a terminating gateway presents for the services it links (Consul's per-service leaf watches of
/// <c>handlerTerminatingGateway</c>): one <see cref="LeafFollower"/> per linked service, started when a build sees the
/// link and stopped (its leaf dropped) when the link goes. A new leaf calls <c>changed</c>, which marks the proxy dirty.
/// </summary>
internal sealed class LinkedServiceLeaves(ProxyConfigSource source, ProxyId id, Action changed, CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Loop)> _loops = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, IssuedLeaf> _leaves = ImmutableDictionary.Create<string, IssuedLeaf>(StringComparer.Ordinal);

    /// <summary>The leaf issued for <paramref name="service"/> so far, or null.</summary>
    public IssuedLeaf? For(string service) => Volatile.Read(ref _leaves).GetValueOrDefault(service);

    /// <summary>Follows exactly the leaves of <paramref name="services"/>: starts the missing ones, stops the others.</summary>
    public void Keep(IReadOnlyCollection<string> services)
    {
        lock (_gate)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            foreach (var gone in _loops.Keys.Where(service => !services.Contains(service)).ToList())
            {
                var (stop, loop) = _loops[gone];
                stop.Cancel();
                _ = loop.ContinueWith(_ => stop.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                _loops.Remove(gone);
                ImmutableInterlocked.TryRemove(ref _leaves, gone, out _);
            }

            foreach (var service in services.Where(service => !_loops.ContainsKey(service)))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var token = stop.Token;
                var loop = Task.Run(() => LeafFollower.RunAsync(source, id, service, () => For(service), leaf => Arrived(service, leaf, token), token));
                _loops[service] = (stop, loop);
            }
        }
    }

    /// <summary>Waits for every follower to end (after the proxy's stop token was cancelled) and releases them.</summary>
    public async ValueTask StopAsync()
    {
        List<(CancellationTokenSource Stop, Task Loop)> loops;
        lock (_gate)
        {
            loops = [.. _loops.Values];
            _loops.Clear();
        }

        foreach (var (stop, loop) in loops)
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // a follower cancelled while retrying
            }

            stop.Dispose();
        }
    }

    private void Arrived(string service, IssuedLeaf leaf, CancellationToken token)
    {
        lock (_gate)
        {
            if (token.IsCancellationRequested)
            {
                return; // the link went while this leaf was on its way
            }

            ImmutableInterlocked.AddOrUpdate(ref _leaves, service, leaf, (_, _) => leaf);
        }

        changed();
    }
}
