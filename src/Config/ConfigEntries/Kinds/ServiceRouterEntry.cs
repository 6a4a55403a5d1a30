using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>service-router</c> (Consul's <c>ServiceRouterConfigEntry</c>): L7 routes for one service, first match wins.</summary>
public sealed record ServiceRouterEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [OmitEmpty]
    public List<ServiceRoute>? Routes { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>ServiceRoute</c>: a match and where matching requests go.</summary>
public sealed record ServiceRoute
{
    [OmitEmpty]
    public ServiceRouteMatch? Match { get; init; }

    [OmitEmpty]
    public ServiceRouteDestination? Destination { get; init; }
}

/// <summary><c>ServiceRouteMatch</c>.</summary>
public sealed record ServiceRouteMatch
{
    [OmitEmpty]
    [JsonPropertyName("HTTP")]
    public ServiceRouteHttpMatch? Http { get; init; }
}

/// <summary><c>ServiceRouteHTTPMatch</c>: at most one of the path matches; all given criteria must match.</summary>
public sealed record ServiceRouteHttpMatch
{
    [OmitEmpty]
    public string? PathExact { get; init; }

    [OmitEmpty]
    public string? PathPrefix { get; init; }

    [OmitEmpty]
    public string? PathRegex { get; init; }

    [OmitEmpty]
    public bool CaseInsensitive { get; init; }

    [OmitEmpty]
    public List<ServiceRouteHeaderMatch>? Header { get; init; }

    [OmitEmpty]
    public List<ServiceRouteQueryParamMatch>? QueryParam { get; init; }

    [OmitEmpty]
    public List<string>? Methods { get; init; }
}

/// <summary><c>ServiceRouteHTTPMatchHeader</c>: at most one of Present/Exact/Prefix/Suffix/Regex.</summary>
public sealed record ServiceRouteHeaderMatch
{
    public string? Name { get; init; }

    [OmitEmpty]
    public bool Present { get; init; }

    [OmitEmpty]
    public string? Exact { get; init; }

    [OmitEmpty]
    public string? Prefix { get; init; }

    [OmitEmpty]
    public string? Suffix { get; init; }

    [OmitEmpty]
    public string? Regex { get; init; }

    [OmitEmpty]
    public bool Invert { get; init; }
}

/// <summary><c>ServiceRouteHTTPMatchQueryParam</c>: at most one of Present/Exact/Regex.</summary>
public sealed record ServiceRouteQueryParamMatch
{
    public string? Name { get; init; }

    [OmitEmpty]
    public bool Present { get; init; }

    [OmitEmpty]
    public string? Exact { get; init; }

    [OmitEmpty]
    public string? Regex { get; init; }
}

/// <summary><c>ServiceRouteDestination</c>: target service (default: the router's own) and per-route HTTP settings.</summary>
public sealed record ServiceRouteDestination
{
    [OmitEmpty]
    public string? Service { get; init; }

    [OmitEmpty]
    public string? ServiceSubset { get; init; }

    [OmitEmpty]
    public string? Namespace { get; init; }

    [OmitEmpty]
    public string? Partition { get; init; }

    [OmitEmpty]
    public string? PrefixRewrite { get; init; }

    /// <summary>Go duration text, e.g. <c>"10s"</c>; parsed with <see cref="Durations.GoDuration"/>.</summary>
    [OmitEmpty]
    public string? RequestTimeout { get; init; }

    [OmitEmpty]
    public string? IdleTimeout { get; init; }

    [OmitEmpty]
    public int NumRetries { get; init; }

    [OmitEmpty]
    public bool RetryOnConnectFailure { get; init; }

    [OmitEmpty]
    public List<string>? RetryOn { get; init; }

    [OmitEmpty]
    public List<int>? RetryOnStatusCodes { get; init; }

    [OmitEmpty]
    public HttpHeaderModifiers? RequestHeaders { get; init; }

    [OmitEmpty]
    public HttpHeaderModifiers? ResponseHeaders { get; init; }
}

/// <summary><c>HTTPHeaderModifiers</c>: headers to add (append), set (replace) or remove.</summary>
public sealed record HttpHeaderModifiers
{
    [OmitEmpty]
    public SortedDictionary<string, string>? Add { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Set { get; init; }

    [OmitEmpty]
    public List<string>? Remove { get; init; }
}
