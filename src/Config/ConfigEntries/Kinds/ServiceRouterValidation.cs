using Mesh.Config.Durations;

namespace Mesh.Config.ConfigEntries;

/// <summary>Consul's <c>ServiceRouterConfigEntry.Validate</c>, with its messages.</summary>
internal static class ServiceRouterValidation
{
    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"];

    private static readonly string[] RetryConditions =
    [
        "5xx", "gateway-error", "reset", "connect-failure", "envoy-ratelimited", "retriable-4xx", "refused-stream",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    ];

    public static void Validate(ServiceRouterEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw new InvalidConfigEntryException("Name is required");
        }

        ConfigMeta.Validate(entry.Meta);
        var routes = entry.Routes ?? [];
        for (var i = 0; i < routes.Count; i++)
        {
            var eligibleForPrefixRewrite = routes[i].Match?.Http is { } http && ValidateMatch(http, i);
            if (routes[i].Destination is { } destination)
            {
                ValidateDestination(destination, i, eligibleForPrefixRewrite);
            }
        }
    }

    /// <summary>Go duration text rewritten as Go prints it; text that does not parse is kept for validation to report.</summary>
    public static string? CanonicalDuration(string? text)
        => string.IsNullOrEmpty(text) ? null : GoDuration.TryParse(text, out var value) ? (value == TimeSpan.Zero ? null : GoDuration.Format(value)) : text;

    /// <summary>Parses a duration field; invalid text or a negative value is refused naming the field.</summary>
    public static TimeSpan Duration(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.Zero;
        }

        if (!GoDuration.TryParse(text, out var value))
        {
            throw new InvalidConfigEntryException($"{field}: time: invalid duration \"{text}\"");
        }

        return value < TimeSpan.Zero
            ? throw new InvalidConfigEntryException($"Bad {field} '{text}', must be >= 0")
            : value;
    }

    /// <returns>Whether the route may use PrefixRewrite (it matches on PathExact or PathPrefix).</returns>
    private static bool ValidateMatch(ServiceRouteHttpMatch http, int i)
    {
        var eligible = false;
        var pathParts = 0;
        if (!string.IsNullOrEmpty(http.PathExact))
        {
            eligible = true;
            pathParts++;
            if (!http.PathExact.StartsWith('/'))
            {
                throw Fail($"Route[{i}] PathExact doesn't start with '/': \"{http.PathExact}\"");
            }
        }

        if (!string.IsNullOrEmpty(http.PathPrefix))
        {
            eligible = true;
            pathParts++;
            if (!http.PathPrefix.StartsWith('/'))
            {
                throw Fail($"Route[{i}] PathPrefix doesn't start with '/': \"{http.PathPrefix}\"");
            }
        }

        if (!string.IsNullOrEmpty(http.PathRegex))
        {
            pathParts++;
        }

        if (pathParts > 1)
        {
            throw Fail($"Route[{i}] should only contain at most one of PathExact, PathPrefix, or PathRegex");
        }

        var headers = http.Header ?? [];
        for (var j = 0; j < headers.Count; j++)
        {
            var header = headers[j];
            if (string.IsNullOrEmpty(header.Name))
            {
                throw Fail($"Route[{i}] Header[{j}] missing required Name field");
            }

            if (Count(header.Present, header.Exact, header.Prefix, header.Suffix, header.Regex) != 1)
            {
                throw Fail($"Route[{i}] Header[{j}] should only contain one of Present, Exact, Prefix, Suffix, or Regex");
            }
        }

        var queryParams = http.QueryParam ?? [];
        for (var j = 0; j < queryParams.Count; j++)
        {
            var query = queryParams[j];
            if (string.IsNullOrEmpty(query.Name))
            {
                throw Fail($"Route[{i}] QueryParam[{j}] missing required Name field");
            }

            if (Count(query.Present, query.Exact, query.Regex) != 1)
            {
                throw Fail($"Route[{i}] QueryParam[{j}] should only contain one of Present, Exact, or Regex");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in http.Methods ?? [])
        {
            if (!HttpMethods.Contains(method, StringComparer.Ordinal))
            {
                throw Fail($"Route[{i}] Methods contains an invalid method \"{method}\"");
            }

            if (!seen.Add(method))
            {
                throw Fail($"Route[{i}] Methods contains \"{method}\" more than once");
            }
        }

        return eligible;
    }

    private static void ValidateDestination(ServiceRouteDestination destination, int i, bool eligibleForPrefixRewrite)
    {
        if (!string.IsNullOrEmpty(destination.PrefixRewrite) && !eligibleForPrefixRewrite)
        {
            throw Fail($"Route[{i}] cannot make use of PrefixRewrite without configuring either PathExact or PathPrefix");
        }

        foreach (var condition in destination.RetryOn ?? [])
        {
            if (!RetryConditions.Contains(condition, StringComparer.Ordinal))
            {
                throw Fail($"Route[{i}] contains an invalid retry condition: \"{condition}\"");
            }
        }

        if (destination.NumRetries < 0)
        {
            throw Fail($"Route[{i}] NumRetries must be >= 0, got {destination.NumRetries}");
        }

        Duration(destination.RequestTimeout, $"Route[{i}] RequestTimeout");
        Duration(destination.IdleTimeout, $"Route[{i}] IdleTimeout");
        foreach (var code in destination.RetryOnStatusCodes ?? [])
        {
            if (code < 0)
            {
                throw Fail($"Route[{i}] RetryOnStatusCodes contains a negative status code {code}");
            }
        }
    }

    private static int Count(bool present, params string?[] values)
        => (present ? 1 : 0) + values.Count(value => !string.IsNullOrEmpty(value));

    private static InvalidConfigEntryException Fail(string message) => new(message);
}
