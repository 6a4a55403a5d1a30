using System.Collections.Concurrent;
using Mesh.Config.Filtering;

namespace Mesh.ProxyCfg;

/// <summary>
/// Parsed subset filters of one server's proxycfg (owned by its <see cref="BuildCaches"/>), so two servers in one
/// process never share them. Bounded: past <see cref="Capacity"/> distinct filters it starts over, since the filters in
/// use are the few that resolvers declare and a parse is cheap.
/// </summary>
internal sealed class FilterCache
{
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, FilterExpression?> _parsed = new(StringComparer.Ordinal);

    public int Count => _parsed.Count;

    /// <summary>The parsed filter; null when it does not parse (it then matches nothing).</summary>
    public FilterExpression? Parse(string filter)
    {
        if (_parsed.TryGetValue(filter, out var known))
        {
            return known;
        }

        if (_parsed.Count >= Capacity)
        {
            _parsed.Clear();
        }

        return _parsed.GetOrAdd(filter, ParseOnce);
    }

    private static FilterExpression? ParseOnce(string filter)
    {
        try
        {
            return FilterExpression.Parse(filter);
        }
        catch (FilterSyntaxException)
        {
            return null;
        }
    }
}
