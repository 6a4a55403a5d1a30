using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Mesh.Server.Metrics;

/// <summary>
/// Reads the instruments of the <see cref="Meter"/> instances it is given (not every meter of a name: tests run
/// several servers in one process, each with its own meters) through a <see cref="MeterListener"/>. Observable
/// instruments are read on <see cref="Collect"/>; pushed counters and histograms are aggregated as they arrive.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string LabelKey), SeriesAggregate> _pushed = new();
    private readonly Dictionary<(Instrument Instrument, string LabelKey), (double Value, IReadOnlyDictionary<string, string> Labels)> _observed = [];
    private readonly TimeProvider _clock;
    private readonly long _started;
    private ImmutableHashSet<Meter> _meters = [];
    private MeterListener? _listener;
    private bool _disposed;

    public MetricsCollector(TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _started = _clock.GetTimestamp();
    }

    /// <summary>Adds a meter; its existing and future instruments are read from now on.</summary>
    public void Track(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _meters = _meters.Add(meter);

            // A listener only replays the instruments that exist when it starts, so a meter added later needs a new one.
            // The old one goes first (no measurement is counted twice); it is no longer current while it completes.
            var previous = _listener;
            _listener = null;
            previous?.Dispose();
            _listener = StartListener();
        }
    }

    /// <summary>Reads every observable instrument and the pushed aggregates, sorted by name and labels.</summary>
    public MetricsSnapshot Collect()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _observed.Clear();
            _listener?.RecordObservableInstruments();
            var seconds = Math.Max(_clock.GetElapsedTime(_started).TotalSeconds, 0.001);
            var gauges = new List<GaugeValue>();
            var counters = new List<AggregateValue>();
            var samples = new List<AggregateValue>();
            foreach (var ((instrument, _), (value, labels)) in _observed)
            {
                var name = MetricNames.Export(instrument.Name);
                if (MetricKinds.Of(instrument) == MetricKind.Counter)
                {
                    // An observed counter is a total of unit increments: go-metrics would report each as a value of 1.
                    var unit = value > 0 ? 1 : 0;
                    counters.Add(new AggregateValue(name, (long)value, value / seconds, value, unit, unit, unit, 0, labels, instrument.Description));
                }
                else
                {
                    gauges.Add(new GaugeValue(name, value, labels, instrument.Description));
                }
            }

            foreach (var ((instrument, _), aggregate) in _pushed)
            {
                var name = MetricNames.Export(instrument.Name);
                var (count, sum, min, max, mean, stddev, last) = aggregate.Read();
                var kind = MetricKinds.Of(instrument);
                if (kind == MetricKind.Gauge)
                {
                    gauges.Add(new GaugeValue(name, MetricKinds.IsRunningTotal(instrument) ? sum : last, aggregate.Labels, instrument.Description));
                    continue;
                }

                var entry = new AggregateValue(name, count, sum / seconds, sum, min, max, mean, stddev, aggregate.Labels, instrument.Description);
                (kind == MetricKind.Counter ? counters : samples).Add(entry);
            }

            return new MetricsSnapshot(_clock.GetUtcNow(), Sorted(gauges, g => (g.Name, g.Labels)), Sorted(counters, c => (c.Name, c.Labels)), Sorted(samples, s => (s.Name, s.Labels)));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            var listener = _listener;
            _listener = null;
            listener?.Dispose();
            _pushed.Clear();
        }
    }

    private MeterListener StartListener()
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, self) =>
        {
            if (_meters.Contains(instrument.Meter))
            {
                self.EnableMeasurementEvents(instrument);
            }
        };
        listener.MeasurementsCompleted = (instrument, _) =>
        {
            // A listener being replaced reports every instrument completed; only a disposed meter's are forgotten.
            if (ReferenceEquals(_listener, listener))
            {
                foreach (var key in _pushed.Keys.Where(key => key.Instrument == instrument))
                {
                    _pushed.TryRemove(key, out SeriesAggregate? _);
                }
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        listener.SetMeasurementEventCallback<float>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener = listener;
        listener.Start();
        return listener;
    }

    /// <summary>Observable callbacks only run inside <see cref="Collect"/> (under the lock); pushed ones on any thread.</summary>
    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (instrument.IsObservable)
        {
            var (labelKey, labels) = LabelsOf(tags);
            _observed[(instrument, labelKey)] = (value, labels);
            return;
        }

        // Pushed measurements run on the request and apply paths: find the series by its key first and build its
        // label map only for a new series (the map and its LINQ join were allocated on every HTTP request before).
        if (!_pushed.TryGetValue((instrument, KeyOf(tags)), out var series))
        {
            var (labelKey, labels) = LabelsOf(tags);
            series = _pushed.GetOrAdd((instrument, labelKey), static (_, labels) => new SeriesAggregate(labels), labels);
        }

        series.Record(value);
    }

    /// <summary>The key <see cref="LabelsOf"/> gives, built without the label map for up to two tags.</summary>
    private static string KeyOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (tags.Length)
        {
            case 0:
                return string.Empty;
            case 1:
                return Pair(tags[0]);
            case 2 when !string.Equals(tags[0].Key, tags[1].Key, StringComparison.Ordinal):
                var (first, second) = string.CompareOrdinal(tags[0].Key, tags[1].Key) < 0 ? (tags[0], tags[1]) : (tags[1], tags[0]);
                return string.Concat(Pair(first), "\u0001", Pair(second));
            default:
                return LabelsOf(tags).Key;
        }

        static string Pair(KeyValuePair<string, object?> tag)
            => string.Concat(tag.Key, "=", Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty);
    }

    private static (string Key, IReadOnlyDictionary<string, string> Labels) LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return (string.Empty, ImmutableSortedDictionary<string, string>.Empty);
        }

        var labels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            labels[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        var built = labels.ToImmutable();
        return (string.Join('\u0001', built.Select(pair => pair.Key + "=" + pair.Value)), built);
    }

    private static List<T> Sorted<T>(List<T> items, Func<T, (string Name, IReadOnlyDictionary<string, string> Labels)> keyOf)
        => [.. items.OrderBy(item => keyOf(item).Name, StringComparer.Ordinal)
            .ThenBy(item => string.Join(',', keyOf(item).Labels.Select(pair => pair.Key + "=" + pair.Value)), StringComparer.Ordinal)];
}
