using System.Diagnostics;
using Mesh.ProxyCfg;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// One <see cref="ProxyWatch"/> per proxy, each read in its own loop as an xDS stream reads it. For every proxy it
/// records when it first returned a snapshot whose <c>db</c> upstream has at least N endpoints.
/// </summary>
public sealed class FanoutWatchers : IAsyncDisposable
{
    private readonly List<ProxyWatch> _watches;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ArrivalTarget> _targets = [];
    private long _received;

    private Task[] _loops = [];

    private FanoutWatchers(List<ProxyWatch> watches) => _watches = watches;

    public int Count => _watches.Count;

    /// <summary>Snapshots returned by NextAsync so far, over all proxies.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Opens the watches (proxycfg starts building at once); <see cref="Start"/> starts reading them.</summary>
    public static FanoutWatchers Open(ProxyConfigSource source, IReadOnlyList<ProxyId> proxies)
    {
        var watches = new List<ProxyWatch>(proxies.Count);
        foreach (var id in proxies)
        {
            watches.Add(source.TryWatch(id) ?? throw new InvalidOperationException($"proxy {id} is not in the catalog"));
        }

        return new FanoutWatchers(watches);
    }

    public void Start() => _loops = [.. _watches.Select((watch, i) => Task.Run(() => ReadAsync(watch, i, _stop.Token)))];

    /// <summary>
    /// Starts tracking "db has at least <paramref name="endpoints"/> endpoints"; the returned target completes when
    /// every proxy has returned such a snapshot. Register targets before the write that satisfies them.
    /// </summary>
    public ArrivalTarget Expect(int endpoints)
    {
        lock (_gate)
        {
            var target = new ArrivalTarget(Count);
            _targets[endpoints] = target;
            return target;
        }
    }

    private async Task ReadAsync(ProxyWatch watch, int index, CancellationToken cancellationToken)
    {
        var reached = 0;
        try
        {
            while (await watch.NextAsync(cancellationToken).ConfigureAwait(false) is { } snapshot)
            {
                var now = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _received);
                var endpoints = DbEndpoints(snapshot);
                if (endpoints <= reached)
                {
                    continue;
                }

                reached = endpoints;
                ArrivalTarget[] due;
                lock (_gate)
                {
                    due = [.. _targets.Where(t => t.Key <= endpoints).Select(t => t.Value)];
                }

                foreach (var target in due)
                {
                    target.Reach(index, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int DbEndpoints(ConfigSnapshot snapshot)
        => snapshot.Upstreams.Where(u => u.Id.Name == "db").Sum(u => u.Endpoints.Values.Sum(e => e.Length));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        foreach (var watch in _watches)
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
