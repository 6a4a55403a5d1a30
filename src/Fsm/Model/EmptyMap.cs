namespace Mesh.Fsm.Model;

/// <summary>Shared empty collections and content comparison for the maps and lists held by rows.</summary>
public static class EmptyMap
{
    public static IReadOnlyDictionary<string, string> Strings { get; } = new Dictionary<string, string>();

    public static IReadOnlyList<string> List { get; } = [];

    /// <summary>Copies a map into ordinal key order, so that equal content always serializes to equal bytes.</summary>
    public static IReadOnlyDictionary<string, TValue> Sorted<TValue>(IReadOnlyDictionary<string, TValue>? map)
    {
        if (map is null || map.Count == 0)
        {
            return new Dictionary<string, TValue>();
        }

        var sorted = new Dictionary<string, TValue>(map.Count, StringComparer.Ordinal);
        foreach (var pair in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sorted[pair.Key] = pair.Value;
        }

        return sorted;
    }

    public static bool ContentEquals<TValue>(IReadOnlyDictionary<string, TValue>? left, IReadOnlyDictionary<string, TValue>? right)
    {
        left ??= new Dictionary<string, TValue>();
        right ??= new Dictionary<string, TValue>();
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var pair in left)
        {
            if (!right.TryGetValue(pair.Key, out var other) || !EqualityComparer<TValue>.Default.Equals(pair.Value, other))
            {
                return false;
            }
        }

        return true;
    }

    public static bool ContentEquals<T>(IReadOnlyList<T>? left, IReadOnlyList<T>? right)
    {
        left ??= [];
        right ??= [];
        return left.SequenceEqual(right);
    }
}
