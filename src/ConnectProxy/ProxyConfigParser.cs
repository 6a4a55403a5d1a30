using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Mesh.ConnectProxy;

/// <summary>An unusable proxy registration or flag value, with the message shown to the operator.</summary>
public sealed class ProxyConfigException : Exception
{
    public ProxyConfigException()
    {
    }

    public ProxyConfigException(string message)
        : base(message)
    {
    }

    public ProxyConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Reads a <c>connect-proxy</c> registration (<c>GET /v1/agent/service/:id</c>) the way Consul's built-in proxy does:
/// the public listener binds the registration's Address:Port (empty address = 0.0.0.0, port 0 = no listener); the
/// local app is <c>Proxy.LocalServiceAddress:LocalServicePort</c>; Proxy.Config gives <c>local_connect_timeout_ms</c>
/// (1000), <c>handshake_timeout_ms</c> (10000) and ours: <c>envoy_prometheus_bind_addr</c>,
/// <c>max_inbound_connections</c>, <c>idle_timeout_ms</c>. Keys are read case-insensitively, PascalCase or snake_case.
/// </summary>
public static class ProxyConfigParser
{
    public static ProxyConfig Parse(JsonElement service, Action<string>? warn = null)
    {
        if (Get(service, "Kind")?.GetString() != "connect-proxy")
        {
            throw new ProxyConfigException($"service \"{Get(service, "ID")?.GetString()}\" is not a connect-proxy (Kind is \"{Get(service, "Kind")?.GetString()}\")");
        }

        var proxy = Get(service, "Proxy") ?? throw new ProxyConfigException("the registration has no Proxy block");
        var identity = Get(proxy, "DestinationServiceName", "destination_service_name")?.GetString();
        if (string.IsNullOrEmpty(identity))
        {
            throw new ProxyConfigException("the registration has no Proxy.DestinationServiceName");
        }

        var config = Get(proxy, "Config");
        var port = Get(service, "Port")?.GetInt32() ?? 0;
        PublicListenerConfig? publicListener = null;
        if (port > 0)
        {
            var address = Get(service, "Address")?.GetString();
            var localAddress = Get(proxy, "LocalServiceAddress", "local_service_address")?.GetString();
            var localPort = Get(proxy, "LocalServicePort", "local_service_port")?.GetInt32() ?? 0;
            if (Get(proxy, "LocalServiceSocketPath", "local_service_socket_path")?.GetString() is { Length: > 0 })
            {
                warn?.Invoke("local_service_socket_path is not supported by the built-in proxy; ignored");
            }

            publicListener = new PublicListenerConfig(
                string.IsNullOrEmpty(address) ? "0.0.0.0" : address, port,
                string.IsNullOrEmpty(localAddress) ? "127.0.0.1" : localAddress, localPort,
                Milliseconds(config, "local_connect_timeout_ms", 1000),
                Milliseconds(config, "handshake_timeout_ms", 10_000));
        }

        var upstreams = ImmutableArray.CreateBuilder<UpstreamConfig>();
        if (Get(proxy, "Upstreams") is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var upstream in list.EnumerateArray())
            {
                var name = Get(upstream, "DestinationName", "destination_name")?.GetString() ?? string.Empty;
                var type = Get(upstream, "DestinationType", "destination_type")?.GetString() is { Length: > 0 } t ? t : "service";
                var bindPort = Get(upstream, "LocalBindPort", "local_bind_port")?.GetInt32() ?? 0;
                if (bindPort < 1)
                {
                    warn?.Invoke($"upstream {name} has no local_bind_port. Can't start upstream.");
                    continue;
                }

                if (type != "service")
                {
                    warn?.Invoke($"upstream {name}: destination_type \"{type}\" is not supported by the built-in proxy (only \"service\"); skipped");
                    continue;
                }

                var bindAddress = Get(upstream, "LocalBindAddress", "local_bind_address")?.GetString();
                upstreams.Add(new UpstreamConfig(type, name, Get(upstream, "Datacenter")?.GetString() ?? string.Empty,
                    string.IsNullOrEmpty(bindAddress) ? "127.0.0.1" : bindAddress, bindPort,
                    Milliseconds(Get(upstream, "Config"), "connect_timeout_ms", 10_000)));
            }
        }

        return new ProxyConfig
        {
            Service = identity,
            ProxyId = Get(service, "ID")?.GetString(),
            Public = publicListener,
            Upstreams = upstreams.ToImmutable(),
            PrometheusBindAddress = Get(config, "envoy_prometheus_bind_addr")?.GetString() is { Length: > 0 } metrics ? metrics : null,
            MaxConnections = (int)Number(config, "max_inbound_connections", 10_000),
            IdleTimeout = Milliseconds(config, "idle_timeout_ms", 3_600_000),
        };
    }

    /// <summary>A property by any of its names, case-insensitively (Go's JSON decoder is too); null if absent or null.</summary>
    internal static JsonElement? Get(JsonElement? element, params string[] names)
    {
        if (element is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null && names.Any(n => string.Equals(n, property.Name, StringComparison.OrdinalIgnoreCase)))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static double Number(JsonElement? config, string key, double fallback)
        => Get(config, key) switch
        {
            { ValueKind: JsonValueKind.Number } n => n.GetDouble(),
            { ValueKind: JsonValueKind.String } s when double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            null => fallback,
            _ => throw new ProxyConfigException($"Proxy.Config {key} must be a number"),
        };

    private static TimeSpan Milliseconds(JsonElement? config, string key, double fallback)
    {
        var value = Number(config, key, fallback);
        return value > 0 ? TimeSpan.FromMilliseconds(value) : throw new ProxyConfigException($"Proxy.Config {key} must be positive, not {value}");
    }
}
