namespace Mesh.Config.ConfigEntries;

/// <summary>What http-route and tcp-route share: parents default to api-gateway, must be api-gateways and unique.</summary>
internal static class RouteValidation
{
    private static readonly string[] Methods = ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];

    public static List<ResourceReference>? NormalizeParents(List<ResourceReference>? parents)
        => parents?.Select(parent => parent with
        {
            Kind = string.IsNullOrEmpty(parent.Kind) ? ApiGatewayKind.KindName : parent.Kind,
            Name = parent.Name ?? string.Empty,
            SectionName = parent.SectionName ?? string.Empty,
        }).ToList();

    /// <summary>
    /// A parent need not exist: as in Consul, a route naming a missing gateway is stored and binds once the gateway
    /// is written (the gateway controller reports it in the route's Status: GatewayNotFound).
    /// </summary>
    public static void Parents(List<ResourceReference>? parents)
    {
        var unique = new HashSet<ResourceReference>();
        foreach (var parent in parents ?? [])
        {
            if (parent.Kind != ApiGatewayKind.KindName)
            {
                throw new InvalidConfigEntryException($"unsupported parent kind: \"{parent.Kind}\", must be 'api-gateway'");
            }

            if (!unique.Add(parent))
            {
                throw new InvalidConfigEntryException("route parents must be unique");
            }
        }
    }

    public static HttpMatch NormalizeMatch(HttpMatch match) => match with
    {
        Method = (match.Method ?? string.Empty).ToUpperInvariant(),
        Path = string.IsNullOrEmpty(match.Path?.Match) ? new HttpPathMatch { Match = "prefix", Value = "/" } : match.Path,
    };

    public static void Rule(HttpRouteRule rule, int index)
    {
        var matches = rule.Matches ?? [];
        for (var i = 0; i < matches.Count; i++)
        {
            Match(matches[i], index, i);
        }
    }

    private static void Match(HttpMatch match, int rule, int index)
    {
        var at = $"Rule[{rule}], Match[{index}]";
        if (!string.IsNullOrEmpty(match.Method) && !Methods.Contains(match.Method))
        {
            throw new InvalidConfigEntryException($"{at}, Method contains an invalid method \"{match.Method}\"");
        }

        var queries = match.Query ?? [];
        for (var i = 0; i < queries.Count; i++)
        {
            if (string.IsNullOrEmpty(queries[i].Name))
            {
                throw new InvalidConfigEntryException($"{at}, Query[{i}], missing required Name field");
            }

            if (queries[i].Match is not ("exact" or "present" or "regex"))
            {
                throw new InvalidConfigEntryException($"{at}, Query[{i}], match type should be one of present, exact, or regex");
            }
        }

        var headers = match.Headers ?? [];
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.IsNullOrEmpty(headers[i].Name))
            {
                throw new InvalidConfigEntryException($"{at}, Headers[{i}], missing required Name field");
            }

            if (headers[i].Match is not ("exact" or "prefix" or "present" or "regex" or "suffix"))
            {
                throw new InvalidConfigEntryException($"{at}, Headers[{i}], match type should be one of present, exact, prefix, suffix, or regex");
            }
        }

        var path = match.Path ?? new();
        switch (path.Match)
        {
            case "exact" or "prefix":
                if (!(path.Value ?? string.Empty).StartsWith('/'))
                {
                    throw new InvalidConfigEntryException($"{at}, Path, {path.Match} type match doesn't start with '/': \"{path.Value}\"");
                }

                break;
            case "regex":
                break;
            default:
                throw new InvalidConfigEntryException($"{at}, Path, match type should be one of exact, prefix, or regex");
        }
    }
}
