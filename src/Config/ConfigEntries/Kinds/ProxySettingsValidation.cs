using System.Net;
using System.Text.Json;

namespace Mesh.Config.ConfigEntries;

/// <summary>Validation and normalization shared by proxy-defaults and service-defaults (Consul's values and messages).</summary>
internal static class ProxySettingsValidation
{
    public static readonly string[] Protocols = ["tcp", "http", "http2", "grpc"];

    public static string? Protocol(string? protocol, string field)
    {
        var value = protocol?.ToLowerInvariant();
        return string.IsNullOrEmpty(value) || Protocols.Contains(value)
            ? value
            : throw Fail($"{field} \"{protocol}\" is not supported: must be one of {string.Join(", ", Protocols)}");
    }

    public static void Mode(string? mode)
    {
        if (mode is not (null or "" or "direct" or "transparent"))
        {
            throw Fail($"Mode: invalid proxy mode: \"{mode}\" (must be \"direct\" or \"transparent\")");
        }
    }

    public static void MutualTlsMode(string? mode)
    {
        if (mode is not (null or "" or "strict" or "permissive"))
        {
            throw Fail($"MutualTLSMode: invalid mutual tls mode: \"{mode}\" (must be \"strict\" or \"permissive\")");
        }
    }

    public static void MeshGateway(MeshGatewayConfig? gateway, string field)
    {
        if (gateway?.Mode is not (null or "" or "none" or "local" or "remote"))
        {
            throw Fail($"{field}.Mode: invalid mesh gateway mode: \"{gateway!.Mode}\" (must be \"none\", \"local\" or \"remote\")");
        }
    }

    public static void TransparentProxy(TransparentProxyConfig? proxy)
    {
        if (proxy is { OutboundListenerPort: < 0 or > 65535 })
        {
            throw Fail($"TransparentProxy.OutboundListenerPort: {proxy.OutboundListenerPort} is not a valid port");
        }
    }

    public static ExposeConfig Expose(ExposeConfig? expose)
    {
        expose ??= new ExposeConfig();
        var paths = expose.Paths?.Select((path, i) =>
        {
            var field = $"Expose.Paths[{i}]";
            if (path.Path is { Length: > 0 } p && !p.StartsWith('/'))
            {
                throw Fail($"{field}.Path must begin with a '/': \"{p}\"");
            }

            var protocol = path.Protocol?.ToLowerInvariant();
            if (protocol is not (null or "" or "http" or "http2"))
            {
                throw Fail($"{field}.Protocol \"{path.Protocol}\" is not supported: must be http or http2");
            }

            Port(path.ListenerPort, $"{field}.ListenerPort");
            Port(path.LocalPathPort, $"{field}.LocalPathPort");
            return path with { Protocol = protocol };
        }).ToList();
        return expose with { Paths = paths };
    }

    public static void AccessLogs(AccessLogsConfig? logs)
    {
        if (logs is null)
        {
            return;
        }

        if (logs.Type is not (null or "" or "file" or "stderr" or "stdout"))
        {
            throw Fail($"AccessLogs.Type: invalid access log type: \"{logs.Type}\" (must be \"file\", \"stderr\" or \"stdout\")");
        }

        if (logs.Type == "file" && string.IsNullOrEmpty(logs.Path))
        {
            throw Fail("AccessLogs.Path must be specified when using file type access logs");
        }

        if (!string.IsNullOrEmpty(logs.Path) && logs.Type != "file")
        {
            throw Fail("AccessLogs.Path is only valid for file type access logs");
        }

        if (!string.IsNullOrEmpty(logs.JsonFormat) && !string.IsNullOrEmpty(logs.TextFormat))
        {
            throw Fail("AccessLogs: cannot specify both access log JSONFormat and TextFormat");
        }

        if (!string.IsNullOrEmpty(logs.JsonFormat))
        {
            try
            {
                using var document = JsonDocument.Parse(logs.JsonFormat);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    // Envoy's json_format is a Struct: a map of keys to format operators.
                    throw Fail("AccessLogs.JSONFormat: invalid access log json for JSON format: the format must be a JSON object");
                }
            }
            catch (JsonException error)
            {
                throw Fail($"AccessLogs.JSONFormat: invalid access log json for JSON format: {error.Message}");
            }
        }
    }

    public static void ConnectionBalance(string? value, string field)
    {
        if (value is not (null or "" or "exact_balance"))
        {
            throw Fail($"invalid value for {field}: {value} (must be \"exact_balance\" or empty)");
        }
    }

    public static void NonNegative(int value, string field)
    {
        if (value < 0)
        {
            throw Fail($"{field} must be greater than or equal to 0, got {value}");
        }
    }

    public static void Port(int port, string field)
    {
        if (port is < 0 or > 65535)
        {
            throw Fail($"{field}: {port} is not a valid port");
        }
    }

    /// <summary>A destination address must be an IP or a host name without wildcards.</summary>
    public static bool IsValidAddress(string address)
        => IPAddress.TryParse(address, out _)
           || (!address.Contains('*', StringComparison.Ordinal) && Uri.CheckHostName(address.TrimEnd('.')) == UriHostNameType.Dns);

    public static InvalidConfigEntryException Fail(string message) => new(message);
}
