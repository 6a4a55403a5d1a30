namespace Mesh.LoadTest.Xds;

/// <summary>
/// What every stream currently holds (for a sidecar: the endpoint count of <c>db</c>; for an ingress gateway: the
/// services it serves completely; and the highest endpoint port), push counters, and the arrival targets the benchmark
/// waits on. A target registered late is checked against what streams already hold.
/// </summary>
public sealed class XdsStreamTracker(int streams)
{
    private readonly Lock _gate = new();
    private readonly int[] _endpoints = new int[streams];
    private readonly int[] _maxPort = new int[streams];
    private readonly long[] _maxPortSince = new long[streams];
    private readonly List<(Func<int, int, bool> Reached, ArrivalTarget Target)> _targets = [];
    private long _edsPushes;
    private long _responses;

    public int Streams => streams;

    public ArrivalTarget Ready { get; } = new(streams);

    /// <summary>Streams that ended with an error (they also count as never reaching any later target).</summary>
    public int Failed => Volatile.Read(ref _failed);

    public string? FirstError { get; private set; }

    private int _failed;

    public long EdsPushes => Interlocked.Read(ref _edsPushes);

    public long Responses => Interlocked.Read(ref _responses);

    /// <summary>A target reached by a stream once <paramref name="reached"/>(endpoints, max port) holds for it.</summary>
    public ArrivalTarget Expect(Func<int, int, bool> reached, long now)
    {
        var target = new ArrivalTarget(streams);
        lock (_gate)
        {
            _targets.Add((reached, target));
            for (var i = 0; i < streams; i++)
            {
                if (Ready.HasReached(i) && reached(_endpoints[i], _maxPort[i]))
                {
                    target.Reach(i, now);
                }
            }
        }

        return target;
    }

    /// <summary>
    /// For each stream holding an endpoint port of at least <paramref name="port"/>, when its highest port first
    /// reached its current value, relative to <paramref name="start"/> (ports only grow in the sustained phase, so
    /// this is when the stream received the change that set <paramref name="port"/>).
    /// </summary>
    public IReadOnlyList<long> PortReachedSince(int port, long start)
    {
        lock (_gate)
        {
            return [.. Enumerable.Range(0, streams).Where(i => _maxPort[i] >= port).Select(i => _maxPortSince[i] - start)];
        }
    }

    public void OnResponse() => Interlocked.Increment(ref _responses);

    /// <summary>An EDS response: counted as a push, then as <see cref="OnHeld"/>.</summary>
    public void OnEndpoints(int stream, int endpoints, int maxPort, long now)
    {
        Interlocked.Increment(ref _edsPushes);
        OnHeld(stream, endpoints, maxPort, now);
    }

    /// <summary>What the stream holds after a response (<paramref name="held"/>: endpoints or served services).</summary>
    public void OnHeld(int stream, int held, int maxPort, long now)
    {
        var endpoints = held;
        lock (_gate)
        {
            if (maxPort > _maxPort[stream])
            {
                _maxPortSince[stream] = now;
            }

            _endpoints[stream] = endpoints;
            _maxPort[stream] = maxPort;
            if (!Ready.HasReached(stream))
            {
                return;
            }

            foreach (var (reached, target) in _targets)
            {
                if (!target.HasReached(stream) && reached(endpoints, maxPort))
                {
                    target.Reach(stream, now);
                }
            }
        }
    }

    public void OnReady(int stream, long now)
    {
        lock (_gate)
        {
            Ready.Reach(stream, now);
            foreach (var (reached, target) in _targets)
            {
                if (reached(_endpoints[stream], _maxPort[stream]))
                {
                    target.Reach(stream, now);
                }
            }
        }
    }

    public void OnFailed(Exception error)
    {
        if (Interlocked.Increment(ref _failed) == 1)
        {
            FirstError = error.Message;
        }
    }
}
