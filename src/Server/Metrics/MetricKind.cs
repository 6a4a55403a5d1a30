using System.Diagnostics.Metrics;

namespace Mesh.Server.Metrics;

/// <summary>How an instrument is reported: Consul's gauges, counters and samples (timers).</summary>
public enum MetricKind
{
    Gauge,
    Counter,
    Sample,
}

internal static class MetricKinds
{
    /// <summary>Counters (pushed or observed) are counters, histograms are samples, everything else reads as a gauge.</summary>
    public static MetricKind Of(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>))
        {
            return MetricKind.Counter;
        }

        return definition == typeof(Histogram<>) ? MetricKind.Sample : MetricKind.Gauge;
    }

    /// <summary>Push instruments whose gauge value is their running total rather than their last value.</summary>
    public static bool IsRunningTotal(Instrument instrument)
        => instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(UpDownCounter<>);
}
