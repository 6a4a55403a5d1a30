namespace Mesh.Server.Metrics;

/// <summary>One reading of every tracked instrument, in the three kinds Consul's telemetry reports.</summary>
public sealed record MetricsSnapshot(
    DateTimeOffset Timestamp,
    IReadOnlyList<GaugeValue> Gauges,
    IReadOnlyList<AggregateValue> Counters,
    IReadOnlyList<AggregateValue> Samples);

/// <summary>The latest value of a gauge (Consul's <c>Gauges</c> entries).</summary>
public sealed record GaugeValue(string Name, double Value, IReadOnlyDictionary<string, string> Labels, string? Description);

/// <summary>
/// A counter or sample aggregated since the server started (Consul's <c>Counters</c>/<c>Samples</c> entries, which
/// go-metrics aggregates over 10 s intervals instead): Count is the number of increments or observations, Rate is
/// Sum per second since the collector started.
/// </summary>
public sealed record AggregateValue(
    string Name,
    long Count,
    double Rate,
    double Sum,
    double Min,
    double Max,
    double Mean,
    double Stddev,
    IReadOnlyDictionary<string, string> Labels,
    string? Description);
