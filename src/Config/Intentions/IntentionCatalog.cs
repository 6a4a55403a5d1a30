using System.Runtime.CompilerServices;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.Intentions;

/// <summary>
/// Intentions read from the service-intentions entries of a store version. Each stored entry is parsed once (cached
/// by the immutable row), so authorizing against thousands of intentions costs two lookups and a short scan.
/// </summary>
public static class IntentionCatalog
{
    private static readonly ConditionalWeakTable<ConfigEntry, EntryIntentions> Parsed = new();

    public static string Kind => ServiceIntentionsKind.KindName;

    /// <summary>The entry's intentions in evaluation order.</summary>
    public static IReadOnlyList<IntentionView> Of(ConfigEntry entry) => Parsed.GetValue(entry, Index).Sorted;

    /// <summary>
    /// The intention that decides a connection from <paramref name="source"/> to <paramref name="destination"/>, without
    /// sorting anything: an exact destination beats the wildcard destination, and within one destination an exact
    /// source beats the wildcard source, which is exactly Consul's precedence order (9, 8, 6, 5).
    /// </summary>
    public static IntentionView? Deciding(StoreState state, string source, string destination)
    {
        foreach (var name in destination == IntentionPrecedence.Wildcard ? [destination] : new[] { destination, IntentionPrecedence.Wildcard })
        {
            if (state.FindConfigEntry(Kind, name) is { } entry)
            {
                var local = Parsed.GetValue(entry, Index).LocalBySource;
                if (local.TryGetValue(source, out var exact) || local.TryGetValue(IntentionPrecedence.Wildcard, out exact))
                {
                    return exact;
                }
            }
        }

        return null;
    }

    private static EntryIntentions Index(ConfigEntry entry)
    {
        var sorted = Build(entry).Order(IntentionOrder.Instance).ToList();
        var local = new Dictionary<string, IntentionView>(StringComparer.Ordinal);
        foreach (var intention in sorted.Where(i => string.IsNullOrEmpty(i.SourcePeer)))
        {
            local.TryAdd(intention.SourceName, intention);
        }

        return new EntryIntentions(sorted, local);
    }

    /// <summary>One entry's intentions, parsed once per immutable row.</summary>
    private sealed record EntryIntentions(IReadOnlyList<IntentionView> Sorted, IReadOnlyDictionary<string, IntentionView> LocalBySource);

    /// <summary>Every intention, in evaluation order.</summary>
    public static List<IntentionView> All(StoreState state)
        => [.. state.ConfigEntriesOfKind(Kind).SelectMany(Of).Order(IntentionOrder.Instance)];

    /// <summary>Intentions whose destination is <paramref name="name"/> or <c>*</c>, in evaluation order.</summary>
    public static List<IntentionView> MatchDestination(StoreState state, string name)
    {
        IEnumerable<IntentionView> matches = state.FindConfigEntry(Kind, name) is { } exact ? Of(exact) : [];
        if (name != IntentionPrecedence.Wildcard && state.FindConfigEntry(Kind, IntentionPrecedence.Wildcard) is { } wildcard)
        {
            matches = matches.Concat(Of(wildcard));
        }

        return [.. matches.Order(IntentionOrder.Instance)];
    }

    /// <summary>Local (not peered) intentions whose source is <paramref name="name"/> or <c>*</c>, in evaluation order.</summary>
    public static List<IntentionView> MatchSource(StoreState state, string name)
        => [.. state.ConfigEntriesOfKind(Kind).SelectMany(Of)
            .Where(intention => string.IsNullOrEmpty(intention.SourcePeer) && SourceMatches(intention, name))
            .Order(IntentionOrder.Instance)];

    /// <summary>The intention with this ID (stored by the legacy create, or derived from its source and destination).</summary>
    public static IntentionView? ById(StoreState state, string id)
        => state.ConfigEntriesOfKind(Kind).SelectMany(Of).FirstOrDefault(i => string.Equals(i.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The intention with exactly this source and destination (no wildcard expansion).</summary>
    public static IntentionView? Exact(StoreState state, string source, string? sourcePeer, string destination)
        => state.FindConfigEntry(Kind, destination) is { } entry
            ? Of(entry).FirstOrDefault(i => i.SourceName == source && (i.SourcePeer ?? string.Empty) == (sourcePeer ?? string.Empty))
            : null;

    public static bool SourceMatches(IntentionView intention, string source)
        => intention.SourceName == IntentionPrecedence.Wildcard || intention.SourceName == source;

    private static IReadOnlyList<IntentionView> Build(ConfigEntry entry)
    {
        var typed = ConfigEntryKinds.ServiceIntentions.Read(entry);
        return [.. (typed.Sources ?? []).Select(source => new IntentionView
        {
            Id = string.IsNullOrEmpty(source.LegacyId) ? IntentionId.For(source.Name ?? string.Empty, source.Peer, entry.Name) : source.LegacyId,
            Description = source.Description,
            SourceName = source.Name ?? string.Empty,
            DestinationName = entry.Name,
            SourcePeer = source.Peer,
            SourceType = source.Type ?? "consul",
            Action = source.Action,
            Permissions = source.Permissions,
            Meta = source.LegacyMeta is { Count: > 0 } ? source.LegacyMeta : typed.Meta,
            Precedence = source.Precedence,
            CreateIndex = entry.CreateIndex,
            ModifyIndex = entry.ModifyIndex,
        })];
    }
}
