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
    /// <summary>Longest single wait; the loop simply asks again.</summary>
    private static readonly TimeSpan QueryWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private readonly KeyedLoops<RemoteTarget, IReadOnlyList<HealthRow>> _loops = new(EqualityComparer<RemoteTarget>.Default, stopping);

    /// <summary>The rows last answered for a service in a datacenter, or null while none arrived.</summary>
    public IReadOnlyList<HealthRow>? For(string datacenter, string service) => _loops.For(new RemoteTarget(datacenter, service));

    /// <summary>Follows exactly <paramref name="targets"/>: starts the missing loops, stops the others.</summary>
    public void Keep(IReadOnlyCollection<RemoteTarget> targets)
    {
        if (source.Datacenters is { } datacenters)
        {
            _loops.Keep(targets, (target, token) => FollowAsync(datacenters, target, token));
        }
    }

    /// <summary>Waits for every loop to end (after the proxy's stop token was cancelled) and releases them.</summary>
    public ValueTask StopAsync() => _loops.StopAsync();

    private async Task FollowAsync(IDatacenterHealthSource datacenters, RemoteTarget target, CancellationToken cancellationToken)
    {
        long index = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var answer = await datacenters.QueryAsync(
                    new DatacenterHealthQuery
                    {
                        Datacenter = target.Datacenter,
                        Service = target.Service,
                        Connect = true,
                        MinIndex = index,
                        Wait = QueryWait,
                        Token = source.DatacenterToken(),
                    },
                    cancellationToken);

                // An index that went backwards (the other datacenter restored a snapshot) starts over.
                index = answer.Index < index ? 0 : answer.Index;
                Arrived(target, answer.Rows, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the other datacenter may be unknown yet, away or refusing; keep asking
            catch (Exception error)
#pragma warning restore CA1031
            {
                ProxyCfgLog.RemoteTargetFailed(source.Logger, target.Service, target.Datacenter, id, error.Message);
                index = 0;
                await Task.Delay(Retry, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Arrived(RemoteTarget target, IReadOnlyList<HealthRow> rows, CancellationToken token)
    {
        if (_loops.Publish(target, rows, token, static (held, fresh) => held.SequenceEqual(fresh, HealthRowComparer.Instance)))
        {
            changed();
        }
    }

    /// <summary>Rows equal in what endpoints are made of (node, instance and check statuses).</summary>
    private sealed class HealthRowComparer : IEqualityComparer<HealthRow>
    {
        public static HealthRowComparer Instance { get; } = new();

        public bool Equals(HealthRow? x, HealthRow? y)
            => x is not null && y is not null
               && x.Node.Name == y.Node.Name && x.Node.Address == y.Node.Address && x.Node.ModifyIndex == y.Node.ModifyIndex
               && x.Service.Id == y.Service.Id && x.Service.ModifyIndex == y.Service.ModifyIndex
               && x.Checks.Select(c => (c.CheckId, c.Status)).SequenceEqual(y.Checks.Select(c => (c.CheckId, c.Status)));

        public int GetHashCode(HealthRow obj) => HashCode.Combine(obj.Node.Name, obj.Service.Id);
    }
}
