using System.Globalization;
using System.Text.Json.Serialization;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.Intentions;

/// <summary>
/// Consul's <c>Intention</c> as the legacy endpoints return it: one source of a service-intentions entry, with the
/// entry's destination, meta and indexes. The ID is derived from the source and destination, so every server
/// reports the same one.
/// </summary>
public sealed record IntentionView
{
    [OmitEmpty]
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    [OmitEmpty]
    public string? Description { get; init; }

    [JsonPropertyName("SourceNS")]
    public string SourceNs { get; init; } = IntentionPrecedence.DefaultNamespace;

    public string SourceName { get; init; } = string.Empty;

    [JsonPropertyName("DestinationNS")]
    public string DestinationNs { get; init; } = IntentionPrecedence.DefaultNamespace;

    public string DestinationName { get; init; } = string.Empty;

    [OmitEmpty]
    public string? SourcePeer { get; init; }

    public string SourceType { get; init; } = "consul";

    [OmitEmpty]
    public string? Action { get; init; }

    [OmitEmpty]
    public List<IntentionPermissionRule>? Permissions { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    public int Precedence { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }

    [JsonIgnore]
    public bool IsL7 => Permissions is { Count: > 0 };

    /// <summary>Consul's <c>Intention.String()</c>, used in authorize reasons.</summary>
    public override string ToString()
    {
        var peer = string.IsNullOrEmpty(SourcePeer) ? string.Empty : $"peer({SourcePeer})/";
        var id = string.IsNullOrEmpty(Id) ? string.Empty : $"ID: {Id}, ";
        var detail = IsL7
            ? string.Create(CultureInfo.InvariantCulture, $"Permissions: {Permissions!.Count}")
            : $"Action: {Action?.ToUpperInvariant()}";
        return string.Create(CultureInfo.InvariantCulture, $"{peer}{SourceNs}/{SourceName} => {DestinationNs}/{DestinationName} ({id}Precedence: {Precedence}, {detail})");
    }
}

/// <summary>Consul's evaluation order: higher precedence first, then by source and destination names.</summary>
public sealed class IntentionOrder : IComparer<IntentionView>
{
    public static IntentionOrder Instance { get; } = new();

    public int Compare(IntentionView? x, IntentionView? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : 1) : -1;
        }

        var byPrecedence = y.Precedence.CompareTo(x.Precedence);
        if (byPrecedence != 0)
        {
            return byPrecedence;
        }

        var c = string.CompareOrdinal(x.SourceNs, y.SourceNs);
        c = c != 0 ? c : string.CompareOrdinal(x.SourceName, y.SourceName);
        c = c != 0 ? c : string.CompareOrdinal(x.DestinationNs, y.DestinationNs);
        return c != 0 ? c : string.CompareOrdinal(x.DestinationName, y.DestinationName);
    }
}
