using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>service-resolver</c> (Consul's <c>ServiceResolverConfigEntry</c>): subsets, redirect, failover, timeouts, LB.</summary>
public sealed record ServiceResolverEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [OmitEmpty]
    public string? DefaultSubset { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, ServiceResolverSubset>? Subsets { get; init; }

    [OmitEmpty]
    public ServiceResolverRedirect? Redirect { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, ServiceResolverFailover>? Failover { get; init; }

    /// <summary>Go duration text, e.g. <c>"15s"</c>.</summary>
    [OmitEmpty]
    public string? ConnectTimeout { get; init; }

    [OmitEmpty]
    public string? RequestTimeout { get; init; }

    [OmitEmpty]
    public LoadBalancer? LoadBalancer { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>ServiceResolverSubset</c>: a bexpr filter over service instances (Service.Meta, Service.Tags, ...).</summary>
public sealed record ServiceResolverSubset
{
    [OmitEmpty]
    public string? Filter { get; init; }

    [OmitEmpty]
    public bool OnlyPassing { get; init; }
}

/// <summary><c>ServiceResolverRedirect</c>.</summary>
public sealed record ServiceResolverRedirect
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
    public string? Datacenter { get; init; }

    [OmitEmpty]
    public string? Peer { get; init; }
}

/// <summary><c>ServiceResolverFailover</c> (keyed by subset name or <c>*</c>).</summary>
public sealed record ServiceResolverFailover
{
    [OmitEmpty]
    public string? Service { get; init; }

    [OmitEmpty]
    public string? ServiceSubset { get; init; }

    [OmitEmpty]
    public string? Namespace { get; init; }

    [OmitEmpty]
    public List<string>? Datacenters { get; init; }

    [OmitEmpty]
    public List<ServiceResolverFailoverTarget>? Targets { get; init; }

    [OmitEmpty]
    public ServiceResolverFailoverPolicy? Policy { get; init; }
}

/// <summary><c>ServiceResolverFailoverPolicy</c>: <c>""</c>, <c>default</c> or <c>order-by-locality</c>.</summary>
public sealed record ServiceResolverFailoverPolicy
{
    [OmitEmpty]
    public string? Mode { get; init; }
}

/// <summary><c>ServiceResolverFailoverTarget</c>.</summary>
public sealed record ServiceResolverFailoverTarget
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
    public string? Datacenter { get; init; }

    [OmitEmpty]
    public string? Peer { get; init; }
}

/// <summary><c>LoadBalancer</c>: Envoy LB policy and its settings.</summary>
public sealed record LoadBalancer
{
    /// <summary><c>""</c>, <c>random</c>, <c>round_robin</c>, <c>least_request</c>, <c>ring_hash</c>, <c>maglev</c>.</summary>
    [OmitEmpty]
    public string? Policy { get; init; }

    [OmitEmpty]
    public RingHashConfig? RingHashConfig { get; init; }

    [OmitEmpty]
    public LeastRequestConfig? LeastRequestConfig { get; init; }

    [OmitEmpty]
    public List<HashPolicy>? HashPolicies { get; init; }
}

/// <summary><c>RingHashConfig</c>.</summary>
public sealed record RingHashConfig
{
    [OmitEmpty]
    public ulong MinimumRingSize { get; init; }

    [OmitEmpty]
    public ulong MaximumRingSize { get; init; }
}

/// <summary><c>LeastRequestConfig</c>.</summary>
public sealed record LeastRequestConfig
{
    [OmitEmpty]
    public uint ChoiceCount { get; init; }
}

/// <summary><c>HashPolicy</c>: what a hashing LB hashes on.</summary>
public sealed record HashPolicy
{
    /// <summary><c>header</c>, <c>cookie</c> or <c>query_parameter</c>.</summary>
    [OmitEmpty]
    public string? Field { get; init; }

    [OmitEmpty]
    public string? FieldValue { get; init; }

    [OmitEmpty]
    public CookieConfig? CookieConfig { get; init; }

    [OmitEmpty]
    [JsonPropertyName("SourceIP")]
    public bool SourceIp { get; init; }

    [OmitEmpty]
    public bool Terminal { get; init; }
}

/// <summary><c>CookieConfig</c>: how Envoy generates the cookie a <c>cookie</c> hash policy hashes on.</summary>
public sealed record CookieConfig
{
    [OmitEmpty]
    public bool Session { get; init; }

    /// <summary>Go duration text.</summary>
    [OmitEmpty]
    [JsonPropertyName("TTL")]
    public string? Ttl { get; init; }

    [OmitEmpty]
    public string? Path { get; init; }
}
