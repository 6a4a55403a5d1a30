using System.Text.Json.Serialization;

namespace Mesh.Api.Snapshots;

/// <summary><c>meta.json</c> (Consul's <c>raft.SnapshotMeta</c>), plus the table counts for <c>mesh snapshot inspect</c>.</summary>
public sealed record SnapshotMeta
{
    public int Version { get; init; } = 1;

    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    public long Index { get; init; }

    public long Term { get; init; }

    public SnapshotConfiguration Configuration { get; init; } = new();

    public long ConfigurationIndex { get; init; }

    public long Size { get; init; }

    /// <summary>SHA-256 of the canonical store encoding.</summary>
    public string StateDigest { get; init; } = string.Empty;

    /// <summary>SHA-256 of the rows alone: the same on a cluster restored from this snapshot.</summary>
    public string ContentDigest { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, int> Tables { get; init; } = new Dictionary<string, int>();
}

public sealed record SnapshotConfiguration
{
    public IReadOnlyList<SnapshotServer> Servers { get; init; } = [];
}

public sealed record SnapshotServer(string Suffrage, [property: JsonPropertyName("ID")] string Id, string Address);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SnapshotMeta))]
public sealed partial class SnapshotJsonContext : JsonSerializerContext;
