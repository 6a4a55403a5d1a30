using System.Diagnostics.Metrics;

namespace Mesh.XdsServer.Streams;

/// <summary>
/// Counters of one server's xDS streams (delta and SotW): cheap Interlocked fields read as properties, also published
/// as <c>System.Diagnostics.Metrics</c> instruments of the meter <c>Mesh.XdsServer</c> (dotnet-counters can show them).
/// </summary>
public sealed class XdsMetrics : IDisposable
{
    private readonly Meter _meter;
    private long _active;
    private long _opened;
    private long _rejected;
    private long _pushes;
    private long _resourcesPushed;
    private long _acks;
    private long _nacks;

    public XdsMetrics()
    {
        _meter = new Meter("Mesh.XdsServer");
        _meter.CreateObservableGauge("xds.streams.active", () => ActiveStreams, description: "Open xDS streams");
        _meter.CreateObservableCounter("xds.streams.opened", () => StreamsOpened, description: "xDS streams accepted");
        _meter.CreateObservableCounter("xds.streams.rejected", () => StreamsRejected, description: "xDS streams refused over the cap or while draining");
        _meter.CreateObservableCounter("xds.pushes", () => Pushes, description: "Discovery responses sent");
        _meter.CreateObservableCounter("xds.acks", () => Acks, description: "Responses accepted by proxies");
        _meter.CreateObservableCounter("xds.nacks", () => Nacks, description: "Responses rejected by proxies");
        _meter.CreateObservableGauge("xds.push.latency.mean", () => PushLatency.Mean.TotalMilliseconds, unit: "ms");
    }

    /// <summary>This server's meter (one per server: a process may host several, as tests do).</summary>
    public Meter Meter => _meter;

    public long ActiveStreams => Interlocked.Read(ref _active);

    public long StreamsOpened => Interlocked.Read(ref _opened);

    public long StreamsRejected => Interlocked.Read(ref _rejected);

    /// <summary>Discovery responses written to streams.</summary>
    public long Pushes => Interlocked.Read(ref _pushes);

    public long ResourcesPushed => Interlocked.Read(ref _resourcesPushed);

    public long Acks => Interlocked.Read(ref _acks);

    public long Nacks => Interlocked.Read(ref _nacks);

    /// <summary>From a stream receiving a new snapshot to its responses for it being written.</summary>
    public LatencyHistogram PushLatency { get; } = new();

    internal void StreamOpened()
    {
        Interlocked.Increment(ref _opened);
        Interlocked.Increment(ref _active);
    }

    internal void StreamClosed() => Interlocked.Decrement(ref _active);

    internal void StreamRejected() => Interlocked.Increment(ref _rejected);

    internal void Pushed(int resources)
    {
        Interlocked.Increment(ref _pushes);
        Interlocked.Add(ref _resourcesPushed, resources);
    }

    internal void Acked() => Interlocked.Increment(ref _acks);

    internal void Nacked() => Interlocked.Increment(ref _nacks);

    public override string ToString()
        => $"active={ActiveStreams} opened={StreamsOpened} rejected={StreamsRejected} pushes={Pushes} resources={ResourcesPushed} acks={Acks} nacks={Nacks} "
           + $"push_latency_p50<={PushLatency.QuantileUpperBoundMs(0.5)}ms p99<={PushLatency.QuantileUpperBoundMs(0.99)}ms max={PushLatency.Max.TotalMilliseconds:F1}ms";

    public void Dispose() => _meter.Dispose();
}
