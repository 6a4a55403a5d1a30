using Envoy.Config.Accesslog.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.Filters.Network.TcpProxy.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.ConfigEntries;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>
/// Envoy access logs from proxy-defaults <c>AccessLogs</c> (Consul's <c>agent/xds/accesslogs</c>): one logger to
/// stdout, stderr or a file, in the JSON or text format given or Consul's default JSON format. Listener-level logs only
/// record connections no filter chain matched (response flag NR); filter-level logs (tcp_proxy, HTTP connection manager)
/// record every connection or request.
/// </summary>
public static class AccessLogging
{
    public const string ListenerLogName = "Consul Listener Log";
    public const string FilterLogName = "Consul Listener Filter Log";

    // Consul's defaultJSONFormat, key for key.
    private static readonly (string Key, string Operator)[] DefaultJsonFormat =
    [
        ("start_time", "%START_TIME%"),
        ("route_name", "%ROUTE_NAME%"),
        ("method", "%REQ(:METHOD)%"),
        ("path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"),
        ("protocol", "%PROTOCOL%"),
        ("response_code", "%RESPONSE_CODE%"),
        ("response_flags", "%RESPONSE_FLAGS%"),
        ("response_code_details", "%RESPONSE_CODE_DETAILS%"),
        ("connection_termination_details", "%CONNECTION_TERMINATION_DETAILS%"),
        ("bytes_received", "%BYTES_RECEIVED%"),
        ("bytes_sent", "%BYTES_SENT%"),
        ("duration", "%DURATION%"),
        ("upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%"),
        ("x_forwarded_for", "%REQ(X-FORWARDED-FOR)%"),
        ("user_agent", "%REQ(USER-AGENT)%"),
        ("request_id", "%REQ(X-REQUEST-ID)%"),
        ("authority", "%REQ(:AUTHORITY)%"),
        ("upstream_host", "%UPSTREAM_HOST%"),
        ("upstream_cluster", "%UPSTREAM_CLUSTER%"),
        ("upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%"),
        ("downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%"),
        ("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%"),
        ("requested_server_name", "%REQUESTED_SERVER_NAME%"),
        ("upstream_transport_failure_reason", "%UPSTREAM_TRANSPORT_FAILURE_REASON%"),
    ];

    private static readonly JsonFormatter ProtoJson = new(JsonFormatter.Settings.Default.WithTypeRegistry(XdsTypeRegistry.Instance));

    /// <summary>The access logs for a listener (<paramref name="isListener"/>) or a filter; none when logging is off.</summary>
    public static IReadOnlyList<AccessLog> Make(AccessLogsConfig? logs, bool isListener)
    {
        if (logs is null || !logs.Enabled || (isListener && logs.DisableListenerLogs))
        {
            return [];
        }

        var log = new AccessLog
        {
            Name = isListener ? ListenerLogName : FilterLogName,
            TypedConfig = Logger(logs),
        };
        if (isListener)
        {
            log.Filter = new AccessLogFilter { ResponseFlagFilter = new ResponseFlagFilter { Flags = { "NR" } } };
        }

        return [log];
    }

    /// <summary>
    /// The filter-level access logs as protojson strings, the form <c>GetEnvoyBootstrapParams</c> carries them in
    /// (the dataplane puts them on Envoy's admin listener).
    /// </summary>
    public static IReadOnlyList<string> ProtoJsonOf(AccessLogsConfig? logs)
        => [.. Make(logs, isListener: false).Select(log => ProtoJson.Format(log))];

    /// <summary>
    /// Adds the logs to a generated listener: listener-level ones on the listener, filter-level ones on every tcp_proxy
    /// and HTTP connection manager of its filter chains (and default chain).
    /// </summary>
    internal static void Apply(Listener listener, AccessLogsConfig? logs)
    {
        var filterLogs = Make(logs, isListener: false);
        if (filterLogs.Count == 0)
        {
            return;
        }

        listener.AccessLog.AddRange(Make(logs, isListener: true));
        var chains = listener.DefaultFilterChain is { } fallback ? listener.FilterChains.Append(fallback) : listener.FilterChains;
        foreach (var filter in chains.SelectMany(chain => chain.Filters))
        {
            if (filter.TypedConfig is null)
            {
                continue;
            }

            if (filter.TypedConfig.TryUnpack<TcpProxy>(out var tcp))
            {
                tcp.AccessLog.AddRange(filterLogs.Select(log => log.Clone()));
                filter.TypedConfig = Any.Pack(tcp);
            }
            else if (filter.TypedConfig.TryUnpack<HttpConnectionManager>(out var manager))
            {
                manager.AccessLog.AddRange(filterLogs.Select(log => log.Clone()));
                filter.TypedConfig = Any.Pack(manager);
            }
        }
    }

    /// <summary>
    /// <see cref="Apply"/> on each of a gateway's listeners (Consul passes <c>Proxy.AccessLogs</c> to every gateway
    /// kind's listeners and filters as to a sidecar's).
    /// </summary>
    internal static IEnumerable<Listener> ApplyToEach(IEnumerable<Listener> listeners, AccessLogsConfig? logs)
    {
        foreach (var listener in listeners)
        {
            Apply(listener, logs);
            yield return listener;
        }
    }

    private static Any Logger(AccessLogsConfig logs)
    {
        var format = Format(logs);
        return logs.Type switch
        {
            null or "" or "stdout" => Any.Pack(new StdoutAccessLog { LogFormat = format }),
            "stderr" => Any.Pack(new StderrAccessLog { LogFormat = format }),
            "file" => Any.Pack(new FileAccessLog { LogFormat = format, Path = logs.Path ?? string.Empty }),

            // Validation refuses other types when the entry is written; an entry from an older log never reaches here.
            _ => Any.Pack(new StdoutAccessLog { LogFormat = format }),
        };
    }

    /// <summary>The JSON format given, or the text format (with a trailing newline), or Consul's default JSON format.</summary>
    private static SubstitutionFormatString Format(AccessLogsConfig logs)
    {
        if (logs.JsonFormat is { Length: > 0 } json)
        {
            return new SubstitutionFormatString { JsonFormat = Struct.Parser.ParseJson(json) };
        }

        if (logs.TextFormat is { Length: > 0 } text)
        {
            return new SubstitutionFormatString
            {
                TextFormatSource = new DataSource { InlineString = text.EndsWith('\n') ? text : text + "\n" },
            };
        }

        var fields = new Struct();
        foreach (var (key, op) in DefaultJsonFormat)
        {
            fields.Fields[key] = Value.ForString(op);
        }

        return new SubstitutionFormatString { JsonFormat = fields };
    }
}
