using System.Globalization;
using Mesh.Config.Durations;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>The read options of a Consul query: blocking index and wait, consistency mode, datacenter.</summary>
public sealed record QueryOptions
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public long MinIndex { get; init; }

    public TimeSpan Wait { get; init; } = DefaultWait;

    public ConsistencyMode Consistency { get; init; }

    public string? Datacenter { get; init; }

    /// <summary>Parses and validates the query string; throws a 400 <see cref="ApiException"/> on bad values.</summary>
    public static QueryOptions Parse(HttpRequest request)
    {
        var query = request.Query;
        long minIndex = 0;
        if (query.TryGetValue("index", out var indexText) && indexText.ToString().Length > 0)
        {
            if (!long.TryParse(indexText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out minIndex))
            {
                throw ApiException.BadRequest($"Invalid index: \"{indexText}\" is not a non-negative integer");
            }
        }

        var wait = DefaultWait;
        if (query.TryGetValue("wait", out var waitText) && waitText.ToString().Length > 0)
        {
            if (!GoDuration.TryParse(waitText.ToString(), out wait) || wait < TimeSpan.Zero)
            {
                throw ApiException.BadRequest($"Invalid wait time: \"{waitText}\" is not a duration such as 10s or 5m");
            }

            if (wait == TimeSpan.Zero)
            {
                wait = DefaultWait;
            }

            if (wait > MaxWait)
            {
                wait = MaxWait;
            }
        }

        var stale = query.ContainsKey("stale") || query.ContainsKey("max_stale");
        var consistent = query.ContainsKey("consistent");
        if (stale && consistent)
        {
            throw ApiException.BadRequest("Cannot specify ?stale with ?consistent, conflicting semantics.");
        }

        return new QueryOptions
        {
            MinIndex = minIndex,
            Wait = wait,
            Consistency = consistent ? ConsistencyMode.Consistent : stale ? ConsistencyMode.Stale : ConsistencyMode.Default,
            Datacenter = DatacenterOf(request),
        };
    }

    /// <summary><c>?datacenter=</c> takes precedence over <c>?dc=</c>, as in Consul.</summary>
    public static string? DatacenterOf(HttpRequest request)
    {
        if (request.Query.TryGetValue("datacenter", out var datacenter) && datacenter.ToString().Length > 0)
        {
            return datacenter.ToString();
        }

        return request.Query.TryGetValue("dc", out var dc) && dc.ToString().Length > 0 ? dc.ToString() : null;
    }

    /// <summary>Parses a boolean query flag as Go's strconv.ParseBool does; a bare <c>?flag</c> means true.</summary>
    public static bool Flag(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var value))
        {
            return false;
        }

        var text = value.ToString();
        return text switch
        {
            "" or "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw ApiException.BadRequest($"Invalid value for ?{name}: \"{text}\" is not a boolean"),
        };
    }
}
