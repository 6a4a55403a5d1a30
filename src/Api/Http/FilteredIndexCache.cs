using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// For token-filtered blocking reads (ACLs on): per token and query, the index at which the current filtered answer was
/// first given. The answer's <c>X-Consul-Index</c> is that index, so it only moves when what the token can see moves,
/// and a client coming back with it parks even though the store's index moved past it for rows it cannot see. One per
/// server (owned by the HTTP host), bounded: when full it starts over, which costs a client one early answer.
/// </summary>
public sealed class FilteredIndexCache
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The token, the path and the query without its blocking parameters.</summary>
    public static string KeyOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var query = string.Join('&', request.Query
            .Where(pair => pair.Key is not ("index" or "wait" or "token" or "stale" or "consistent" or "cached"))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Key + "=" + pair.Value.ToString()));
        return HttpRequestToken.Of(context).SecretId + "\n" + request.Path.Value + "?" + query;
    }

    /// <summary>The index this exact answer was first given at for this key, or 0.</summary>
    public long IndexOf(string key, byte[] answer)
        => _entries.TryGetValue(key, out var entry) && entry.Hash.AsSpan().SequenceEqual(SHA256.HashData(answer)) ? entry.Index : 0;

    /// <summary>The index to answer with: the first index this exact answer was given at, else <paramref name="index"/> (recorded).</summary>
    public long Stamp(string key, byte[] answer, long index)
    {
        var hash = SHA256.HashData(answer);
        if (_entries.TryGetValue(key, out var entry) && entry.Hash.AsSpan().SequenceEqual(hash) && entry.Index <= index)
        {
            return entry.Index;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = new Entry(hash, index);
        return index;
    }

    private sealed record Entry(byte[] Hash, long Index);
}
