using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Http;

/// <summary>
/// Consul's agent-cache response headers (<c>setCacheMeta</c>): <c>X-Cache: HIT|MISS</c>, and on a hit <c>Age</c> in
/// seconds since the cached result was fetched. This server answers from its own replica, so the "cache" is the
/// answer it last gave for the same request and token: the same index again is a hit (aged from when that answer was
/// first given), a new index a miss. Leaf certificates and the agent's CA roots always go through Consul's cache; the
/// catalog and health queries only with <c>?cached</c>. One instance per server; bounded.
/// </summary>
public sealed class AgentCacheHeaders(TimeProvider clock)
{
    private const int MaxEntries = 10_000;

    private static readonly HashSet<string> AlwaysCached = new(StringComparer.Ordinal)
    {
        "/v1/agent/connect/ca/leaf/{service}",
        "/v1/agent/connect/ca/roots",
    };

    private static readonly HashSet<string> CachedOnRequest = new(StringComparer.Ordinal)
    {
        "/v1/health/service/{service}",
        "/v1/health/connect/{service}",
        "/v1/catalog/services",
        "/v1/catalog/service/{service}",
    };

    private readonly ConcurrentDictionary<string, (long Index, DateTimeOffset Fetched)> _answers = new(StringComparer.Ordinal);

    /// <summary>Sets the headers when the request is one Consul serves from its agent cache.</summary>
    public void Apply(HttpContext context, long index)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern }
            || !(AlwaysCached.Contains(pattern) || (CachedOnRequest.Contains(pattern) && context.Request.Query.ContainsKey("cached"))))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var key = Key(context);
        var previous = _answers.GetValueOrDefault(key);
        var hit = previous.Fetched != default && previous.Index == index;
        if (!hit)
        {
            if (_answers.Count >= MaxEntries)
            {
                _answers.Clear();
            }

            _answers[key] = (index, now);
        }

        var headers = context.Response.Headers;
        headers["X-Cache"] = hit ? "HIT" : "MISS";
        if (hit)
        {
            headers.Age = Math.Max(0, (long)(now - previous.Fetched).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The request without its blocking parameters, and the token it was made with.</summary>
    private static string Key(HttpContext context)
    {
        var query = context.Request.Query
            .Where(pair => pair.Key is not ("index" or "wait" or "cached"))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Key + "=" + pair.Value.ToString());
        var token = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(HttpRequestToken.Of(context).SecretId)));
        return $"{context.Request.Path}?{string.Join('&', query)}\u0001{token}";
    }
}
