using System.Globalization;
using System.Text;

namespace Mesh.Server.Metrics;

/// <summary>
/// Prometheus text exposition (format 0.0.4) of a snapshot, clean under <c>promtool check metrics</c>: dots become
/// underscores and camelCase becomes snake_case (<c>consul.server.isLeader</c> is <c>consul_server_is_leader</c>), a
/// name ending in an abbreviated unit is given in base units (<c>_ns</c> and <c>_ms</c> become <c>_seconds</c>,
/// values scaled), counters end in <c>_total</c>, every family has HELP text, samples are summaries with
/// <c>_sum</c> and <c>_count</c>. The JSON form keeps Consul's names exactly.
/// </summary>
public static class PrometheusMetricsWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        foreach (var group in snapshot.Gauges.GroupBy(g => g.Name, StringComparer.Ordinal))
        {
            var (name, scale) = BaseUnits(MetricName(group.Key));
            WriteHeader(text, name, "gauge", group.First().Description, group.Key);
            foreach (var gauge in group)
            {
                WriteSeries(text, name, gauge.Labels, gauge.Value * scale);
            }
        }

        foreach (var group in snapshot.Counters.GroupBy(c => c.Name, StringComparer.Ordinal))
        {
            var (name, scale) = BaseUnits(MetricName(group.Key));
            name = name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
            WriteHeader(text, name, "counter", group.First().Description, group.Key);
            foreach (var counter in group)
            {
                WriteSeries(text, name, counter.Labels, counter.Sum * scale);
            }
        }

        foreach (var group in snapshot.Samples.GroupBy(s => s.Name, StringComparer.Ordinal))
        {
            var name = MetricName(group.Key);
            WriteHeader(text, name, "summary", group.First().Description, group.Key);
            foreach (var sample in group)
            {
                WriteSeries(text, name + "_sum", sample.Labels, sample.Sum);
                WriteSeries(text, name + "_count", sample.Labels, sample.Count);
            }
        }

        return text.ToString();
    }

    /// <summary>A name ending in an abbreviated time unit, given in seconds instead (promtool's base-unit rule).</summary>
    private static (string Name, double Scale) BaseUnits(string name)
    {
        if (name.EndsWith("_ns", StringComparison.Ordinal))
        {
            return (name[..^3] + "_seconds", 1e-9);
        }

        return name.EndsWith("_ms", StringComparison.Ordinal) ? (name[..^3] + "_seconds", 1e-3) : (name, 1);
    }

    /// <summary>A metric name in Prometheus' alphabet: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static string MetricName(string name) => Sanitize(SnakeCase(name), allowColon: true);

    /// <summary><c>isLeader</c> to <c>is_leader</c>, <c>commitTime</c> to <c>commit_time</c>.</summary>
    private static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterUpper(c))
            {
                if (i > 0 && (char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1])))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

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

    private static void WriteHeader(StringBuilder text, string name, string type, string? description, string consulName)
    {
        // Every family has HELP (promtool requires it); without a description, the Consul name it stands for.
        var help = string.IsNullOrEmpty(description) ? $"Consul metric {consulName}" : description;
        text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
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
