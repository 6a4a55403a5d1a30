using System.Globalization;
using System.Text;

namespace Mesh.Server.Metrics;

/// <summary>
/// Prometheus text exposition (format 0.0.4) of a snapshot, named as Consul's Prometheus sink names them: dots become
/// underscores (<c>consul_xds_server_streams</c>), counters keep their name (no <c>_total</c>), samples are summaries
/// with <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class PrometheusMetricsWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        foreach (var group in snapshot.Gauges.GroupBy(g => MetricName(g.Name), StringComparer.Ordinal))
        {
            WriteHeader(text, group.Key, "gauge", group.First().Description);
            foreach (var gauge in group)
            {
                WriteSeries(text, group.Key, gauge.Labels, gauge.Value);
            }
        }

        foreach (var group in snapshot.Counters.GroupBy(c => MetricName(c.Name), StringComparer.Ordinal))
        {
            WriteHeader(text, group.Key, "counter", group.First().Description);
            foreach (var counter in group)
            {
                WriteSeries(text, group.Key, counter.Labels, counter.Sum);
            }
        }

        foreach (var group in snapshot.Samples.GroupBy(s => MetricName(s.Name), StringComparer.Ordinal))
        {
            WriteHeader(text, group.Key, "summary", group.First().Description);
            foreach (var sample in group)
            {
                WriteSeries(text, group.Key + "_sum", sample.Labels, sample.Sum);
                WriteSeries(text, group.Key + "_count", sample.Labels, sample.Count);
            }
        }

        return text.ToString();
    }

    /// <summary>A metric name in Prometheus' alphabet: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static string MetricName(string name) => Sanitize(name, allowColon: true);

    private static string LabelName(string name) => Sanitize(name, allowColon: false);

    private static string Sanitize(string name, bool allowColon)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static void WriteHeader(StringBuilder text, string name, string type, string? description)
    {
        if (!string.IsNullOrEmpty(description))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }

        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private static void WriteSeries(StringBuilder text, string name, IReadOnlyDictionary<string, string> labels, double value)
    {
        text.Append(name);
        if (labels.Count > 0)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                text.Append(first ? string.Empty : ",").Append(LabelName(key)).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
                first = false;
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static string EscapeLabelValue(string value)
        => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
