using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Mesh.ConnectProxy;

/// <summary>
/// The proxy's counters and gauges, rendered as Prometheus text (format 0.0.4). Labels: <c>listener</c> ("public" or
/// "upstream:&lt;name&gt;:&lt;addr&gt;:&lt;port&gt;"), <c>direction</c> ("in" = from the accepting side toward the
/// destination, "out" = back), <c>reason</c> for refused connections.
/// </summary>
public sealed class ProxyMetrics
{
    private static readonly (string Name, string Type, string Help)[] Families =
    [
        ("mesh_connect_proxy_connections_total", "counter", "Connections accepted by a listener."),
        ("mesh_connect_proxy_active_connections", "gauge", "Connections open now."),
        ("mesh_connect_proxy_bytes_total", "counter", "Bytes copied."),
        ("mesh_connect_proxy_handshake_failures_total", "counter", "Connections whose TLS handshake failed (plaintext, untrusted or wrong identity, timeout)."),
        ("mesh_connect_proxy_authorize_denials_total", "counter", "Inbound connections refused by intentions (or a failed authorize call)."),
        ("mesh_connect_proxy_refused_total", "counter", "Connections closed before any byte was copied, by reason."),
    ];

    private readonly ConcurrentDictionary<string, StrongBox> _series = new(StringComparer.Ordinal);

    public void Connection(string listener) => Add("mesh_connect_proxy_connections_total", Labels(listener), 1);

    public void Active(string listener, int delta) => Add("mesh_connect_proxy_active_connections", Labels(listener), delta);

    public void Bytes(string listener, string direction, long count) => Add("mesh_connect_proxy_bytes_total", Labels(listener, ("direction", direction)), count);

    /// <summary>The bytes counter of one listener and direction, looked up once per connection (not per read).</summary>
    public ByteCounter BytesCounter(string listener, string direction)
        => new(_series.GetOrAdd("mesh_connect_proxy_bytes_total" + Labels(listener, ("direction", direction)), static _ => new StrongBox()));

    public void HandshakeFailure(string listener) => Add("mesh_connect_proxy_handshake_failures_total", Labels(listener), 1);

    public void AuthorizeDenial(string listener) => Add("mesh_connect_proxy_authorize_denials_total", Labels(listener), 1);

    public void Refused(string listener, string reason) => Add("mesh_connect_proxy_refused_total", Labels(listener, ("reason", reason)), 1);

    /// <summary>The current value of one series, e.g. <c>Value("mesh_connect_proxy_authorize_denials_total", "public")</c>.</summary>
    public long Value(string name, string listener, params (string Key, string Value)[] extra)
        => _series.TryGetValue(name + Labels(listener, extra), out var box) ? Interlocked.Read(ref box.Value) : 0;

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (name, type, help) in Families)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var series in _series.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                text.Append(series.Key).Append(' ').Append(Interlocked.Read(ref series.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    private void Add(string name, string labels, long delta)
    {
        var box = _series.GetOrAdd(name + labels, static _ => new StrongBox());
        Interlocked.Add(ref box.Value, delta);
    }

    private static string Labels(string listener, params (string Key, string Value)[] extra)
    {
        var text = new StringBuilder("{listener=\"").Append(Escape(listener)).Append('"');
        foreach (var (key, value) in extra)
        {
            text.Append(',').Append(key).Append("=\"").Append(Escape(value)).Append('"');
        }

        return text.Append('}').ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>A handle on one bytes series: adding is one interlocked add, no lookup and no allocation.</summary>
    public sealed class ByteCounter
    {
        private readonly StrongBox _box;

        internal ByteCounter(StrongBox box) => _box = box;

        public void Add(long count) => Interlocked.Add(ref _box.Value, count);
    }

    internal sealed class StrongBox
    {
        public long Value;
    }
}
