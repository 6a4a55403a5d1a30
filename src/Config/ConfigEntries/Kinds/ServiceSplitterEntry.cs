using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>service-splitter</c> (Consul's <c>ServiceSplitterConfigEntry</c>): weighted traffic split; weights sum to 100.</summary>
public sealed record ServiceSplitterEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [OmitEmpty]
    public List<ServiceSplit>? Splits { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>ServiceSplit</c>: a share of traffic (percent, two decimals) to a service or subset.</summary>
public sealed record ServiceSplit
{
    public double Weight { get; init; }

    [OmitEmpty]
    public string? Service { get; init; }

    [OmitEmpty]
    public string? ServiceSubset { get; init; }

    [OmitEmpty]
    public string? Namespace { get; init; }

    [OmitEmpty]
    public string? Partition { get; init; }

    [OmitEmpty]
    public HttpHeaderModifiers? RequestHeaders { get; init; }

    [OmitEmpty]
    public HttpHeaderModifiers? ResponseHeaders { get; init; }
}
