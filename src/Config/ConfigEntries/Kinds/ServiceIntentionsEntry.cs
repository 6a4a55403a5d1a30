using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>service-intentions</c> (Consul's <c>ServiceIntentionsConfigEntry</c>): who may reach the destination <c>Name</c>.</summary>
public sealed record ServiceIntentionsEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public List<SourceIntention>? Sources { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    /// <summary>Consul's content hash, present in its output; accepted so that output can be written back, then dropped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary>One source of a service-intentions entry: an L4 <c>Action</c> or L7 <c>Permissions</c>, never both.</summary>
public sealed record SourceIntention
{
    public string? Name { get; init; }

    [OmitEmpty]
    public string? Action { get; init; }

    [OmitEmpty]
    public List<IntentionPermissionRule>? Permissions { get; init; }

    /// <summary>Computed on every write; a value in the input is ignored.</summary>
    public int Precedence { get; init; }

    [OmitEmpty]
    [JsonPropertyName("LegacyID")]
    public string? LegacyId { get; init; }

    public string? Type { get; init; }

    [OmitEmpty]
    public string? Description { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? LegacyMeta { get; init; }

    [OmitEmpty]
    public DateTimeOffset? LegacyCreateTime { get; init; }

    [OmitEmpty]
    public DateTimeOffset? LegacyUpdateTime { get; init; }

    [OmitEmpty]
    public string? Peer { get; init; }
}

/// <summary>An L7 rule: <c>Action</c> applied to requests matching <c>HTTP</c>.</summary>
public sealed record IntentionPermissionRule
{
    public string? Action { get; init; }

    [OmitEmpty]
    [JsonPropertyName("HTTP")]
    public IntentionHttpMatch? Http { get; init; }
}

public sealed record IntentionHttpMatch
{
    [OmitEmpty]
    public string? PathExact { get; init; }

    [OmitEmpty]
    public string? PathPrefix { get; init; }

    [OmitEmpty]
    public string? PathRegex { get; init; }

    [OmitEmpty]
    public List<IntentionHeaderMatch>? Header { get; init; }

    [OmitEmpty]
    public List<string>? Methods { get; init; }
}

public sealed record IntentionHeaderMatch
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
