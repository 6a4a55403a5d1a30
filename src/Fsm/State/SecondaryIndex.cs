using System.Collections.Immutable;

namespace Mesh.Fsm.State;

/// <summary>An immutable one-to-many index from a string (lower-cased by the caller) to sorted row keys.</summary>
public sealed class SecondaryIndex<TKey>
    where TKey : IComparable<TKey>
{
    public static SecondaryIndex<TKey> Empty { get; } = new(ImmutableSortedDictionary.Create<string, ImmutableSortedSet<TKey>>(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, ImmutableSortedSet<TKey>> _entries;

    private SecondaryIndex(ImmutableSortedDictionary<string, ImmutableSortedSet<TKey>> entries) => _entries = entries;

    public IEnumerable<string> Values => _entries.Keys;

    public int Count => _entries.Count;

    /// <summary>Builds an index in one pass (snapshot restore), instead of one persistent update per row.</summary>
    public static SecondaryIndex<TKey> Build(IEnumerable<(string Value, TKey Key)> pairs)
    {
        var groups = new Dictionary<string, List<TKey>>(StringComparer.Ordinal);
        foreach (var (value, key) in pairs)
        {
            if (!groups.TryGetValue(value, out var keys))
            {
                groups[value] = keys = [];
            }

            keys.Add(key);
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedSet<TKey>>(StringComparer.Ordinal);
        foreach (var (value, keys) in groups)
        {
            builder[value] = [.. keys];
        }

        return new(builder.ToImmutable());
    }

    public ImmutableSortedSet<TKey> Get(string value)
        => _entries.TryGetValue(value, out var keys) ? keys : ImmutableSortedSet<TKey>.Empty;

    public bool Contains(string value) => _entries.ContainsKey(value);

    public SecondaryIndex<TKey> Add(string value, TKey key)
    {
        var keys = Get(value);
        var added = keys.Add(key);
        return ReferenceEquals(added, keys) ? this : new(_entries.SetItem(value, added));
    }

    public SecondaryIndex<TKey> Remove(string value, TKey key)
    {
        if (!_entries.TryGetValue(value, out var keys))
        {
            return this;
        }

        var remaining = keys.Remove(key);
        return new(remaining.IsEmpty ? _entries.Remove(value) : _entries.SetItem(value, remaining));
    }
}
