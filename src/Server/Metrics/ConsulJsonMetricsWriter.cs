using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mesh.Server.Metrics;

/// <summary>
/// Consul's <c>/v1/agent/metrics</c> JSON (go-metrics' in-memory sink display): Timestamp, Gauges, Points (always
/// empty here), Counters and Samples, with the field names and order Consul writes.
/// </summary>
public static class ConsulJsonMetricsWriter
{
    public static byte[] Write(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps the Timestamp's "+0000" literal, as Consul writes it.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();

            // Go's time.Time String() layout in UTC, as Consul prints it.
            json.WriteString("Timestamp", snapshot.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC");
            json.WriteStartArray("Gauges");
            foreach (var gauge in snapshot.Gauges)
            {
                json.WriteStartObject();
                json.WriteString("Name", gauge.Name);
                json.WriteNumber("Value", Finite(gauge.Value));
                WriteLabels(json, gauge.Labels);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("Points");
            json.WriteEndArray();
            WriteAggregates(json, "Counters", snapshot.Counters);
            WriteAggregates(json, "Samples", snapshot.Samples);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteAggregates(Utf8JsonWriter json, string property, IReadOnlyList<AggregateValue> values)
    {
        json.WriteStartArray(property);
        foreach (var value in values)
        {
            json.WriteStartObject();
            json.WriteString("Name", value.Name);
            json.WriteNumber("Count", value.Count);
            json.WriteNumber("Rate", Finite(value.Rate));
            json.WriteNumber("Sum", Finite(value.Sum));
            json.WriteNumber("Min", Finite(value.Min));
            json.WriteNumber("Max", Finite(value.Max));
            json.WriteNumber("Mean", Finite(value.Mean));
            json.WriteNumber("Stddev", Finite(value.Stddev));
            WriteLabels(json, value.Labels);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteLabels(Utf8JsonWriter json, IReadOnlyDictionary<string, string> labels)
    {
        json.WriteStartObject("Labels");
        foreach (var (key, value) in labels)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    /// <summary>JSON has no NaN or infinities.</summary>
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
