using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>http-route</c> (Consul's <c>HTTPRouteConfigEntry</c>): HTTP routing rules bound to api-gateway listeners.</summary>
public sealed record HttpRouteEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public List<ResourceReference>? Parents { get; init; }

    public List<HttpRouteRule>? Rules { get; init; }

    public List<string>? Hostnames { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    public ControlledStatus? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>HTTPRouteRule</c>: matches, the filters applied and the services a matching request goes to.</summary>
public sealed record HttpRouteRule
{
    public HttpFilters? Filters { get; init; }

    [OmitEmpty]
    public HttpResponseFilters? ResponseFilters { get; init; }

    public List<HttpMatch>? Matches { get; init; }

    public List<HttpService>? Services { get; init; }
}

/// <summary><c>HTTPMatch</c>: headers, method, path and query parameters a request must match.</summary>
public sealed record HttpMatch
{
    public List<HttpHeaderMatch>? Headers { get; init; }

    public string? Method { get; init; }

    public HttpPathMatch? Path { get; init; }

    public List<HttpQueryMatch>? Query { get; init; }
}

public sealed record HttpHeaderMatch
{
    public string? Match { get; init; }

    public string? Name { get; init; }

    public string? Value { get; init; }
}

public sealed record HttpPathMatch
{
    public string? Match { get; init; }

    public string? Value { get; init; }
}

public sealed record HttpQueryMatch
{
    public string? Match { get; init; }

    public string? Name { get; init; }

    public string? Value { get; init; }
}

/// <summary><c>HTTPFilters</c>: request header changes, path rewrite, retries and timeouts.</summary>
public sealed record HttpFilters
{
    public List<HttpHeaderFilter>? Headers { get; init; }

    [JsonPropertyName("URLRewrite")]
    public UrlRewrite? UrlRewrite { get; init; }

    [OmitEmpty]
    public RetryFilter? RetryFilter { get; init; }

    [OmitEmpty]
    public TimeoutFilter? TimeoutFilter { get; init; }
}

/// <summary><c>HTTPResponseFilters</c>: response header changes.</summary>
public sealed record HttpResponseFilters
{
    public List<HttpHeaderFilter>? Headers { get; init; }
}

/// <summary><c>HTTPHeaderFilter</c>: headers to add, remove and set.</summary>
public sealed record HttpHeaderFilter
{
    public SortedDictionary<string, string>? Add { get; init; }

    public List<string>? Remove { get; init; }

    public SortedDictionary<string, string>? Set { get; init; }
}

public sealed record UrlRewrite
{
    public string? Path { get; init; }
}

/// <summary><c>RetryFilter</c>: how many retries, on which conditions and status codes.</summary>
public sealed record RetryFilter
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? NumRetries { get; init; }

    [OmitEmpty]
    public List<string>? RetryOn { get; init; }

    [OmitEmpty]
    public List<uint>? RetryOnStatusCodes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? RetryOnConnectFailure { get; init; }
}

/// <summary><c>TimeoutFilter</c>: request and idle timeouts (Go durations).</summary>
public sealed record TimeoutFilter
{
    [OmitEmpty]
    public string? RequestTimeout { get; init; }

    [OmitEmpty]
    public string? IdleTimeout { get; init; }
}

/// <summary><c>HTTPService</c>: a backend of a rule with its weight and filters.</summary>
public sealed record HttpService
{
    public string? Name { get; init; }

    public int Weight { get; init; }

    public HttpFilters? Filters { get; init; }

    [OmitEmpty]
    public HttpResponseFilters? ResponseFilters { get; init; }
}
