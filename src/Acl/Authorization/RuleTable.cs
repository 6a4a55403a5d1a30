using Mesh.Acl.Rules;

namespace Mesh.Acl.Authorization;

/// <summary>
/// The merged rules of one resource kind, compiled for lookup: an exact-name hash table and a prefix hash table
/// probed from the longest prefix length present down to the shortest. A lookup costs one hash probe per distinct
/// prefix length (a handful in real policies) with no allocation (span lookups).
/// </summary>
internal sealed class RuleTable
{
    public static RuleTable Empty { get; } = new(new Dictionary<string, AccessLevel>(StringComparer.Ordinal), new Dictionary<string, AccessLevel>(StringComparer.Ordinal));

    private readonly Dictionary<string, AccessLevel> _exact;
    private readonly Dictionary<string, AccessLevel> _prefixes;
    private readonly Dictionary<string, AccessLevel>.AlternateLookup<ReadOnlySpan<char>> _exactSpans;
    private readonly Dictionary<string, AccessLevel>.AlternateLookup<ReadOnlySpan<char>> _prefixSpans;

    /// <summary>Distinct prefix lengths, longest first.</summary>
    private readonly int[] _prefixLengths;

    public RuleTable(Dictionary<string, AccessLevel> exact, Dictionary<string, AccessLevel> prefixes)
    {
        _exact = exact;
        _prefixes = prefixes;
        _exactSpans = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixSpans = prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLengths = [.. prefixes.Keys.Select(k => k.Length).Distinct().OrderDescending()];
    }

    public bool IsEmpty => _exact.Count == 0 && _prefixes.Count == 0;

    /// <summary>Every rule (exact and prefix) with its level.</summary>
    public IEnumerable<(string Label, bool Prefix, AccessLevel Level)> All
        => _exact.Select(p => (p.Key, false, p.Value)).Concat(_prefixes.Select(p => (p.Key, true, p.Value)));

    /// <summary>The level for a name: an exact rule wins, else the longest prefix rule; <see cref="AccessLevel.Default"/> if none.</summary>
    public AccessLevel Lookup(ReadOnlySpan<char> name)
    {
        if (_exact.Count > 0 && _exactSpans.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var length in _prefixLengths)
        {
            if (length <= name.Length && _prefixSpans.TryGetValue(name[..length], out var level))
            {
                return level;
            }
        }

        return AccessLevel.Default;
    }

    /// <summary>The level of the prefix rule exactly on <paramref name="prefix"/> or the longest one above it.</summary>
    public AccessLevel LookupPrefix(ReadOnlySpan<char> prefix)
    {
        foreach (var length in _prefixLengths)
        {
            if (length <= prefix.Length && _prefixSpans.TryGetValue(prefix[..length], out var level))
            {
                return level;
            }
        }

        return AccessLevel.Default;
    }
}

/// <summary>Collects rules for one resource kind, merging duplicates by precedence (deny &gt; write &gt; list &gt; read).</summary>
internal sealed class RuleTableBuilder
{
    private readonly Dictionary<string, AccessLevel> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessLevel> _prefixes = new(StringComparer.Ordinal);

    public void Add(string label, bool prefix, AccessLevel level)
    {
        if (level == AccessLevel.Default)
        {
            return;
        }

        var table = prefix ? _prefixes : _exact;
        table[label] = table.TryGetValue(label, out var existing) ? AccessLevels.Merge(existing, level) : level;
    }

    public RuleTable Build() => _exact.Count == 0 && _prefixes.Count == 0 ? RuleTable.Empty : new RuleTable(_exact, _prefixes);
}
