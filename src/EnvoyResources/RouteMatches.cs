using Envoy.Config.Route.V3;
using Envoy.Type.Matcher.V3;
using Mesh.Config.ConfigEntries;

namespace Mesh.EnvoyResources;

/// <summary>Consul's <c>makeRouteMatchForDiscoveryRoute</c>: a service-router match as an Envoy route match.</summary>
internal static class RouteMatches
{
    public static RouteMatch Default() => new() { Prefix = "/" };

    public static RouteMatch ForRoute(ServiceRouteMatch? match)
    {
        if (match?.Http is not { } http || IsEmpty(http))
        {
            return Default();
        }

        var result = new RouteMatch();
        if (!string.IsNullOrEmpty(http.PathExact))
        {
            result.Path = http.PathExact;
        }
        else if (!string.IsNullOrEmpty(http.PathPrefix))
        {
            result.Prefix = http.PathPrefix;
        }
        else if (!string.IsNullOrEmpty(http.PathRegex))
        {
            result.SafeRegex = new RegexMatcher { Regex = http.PathRegex };
        }
        else
        {
            result.Prefix = "/";
        }

        if (http.CaseInsensitive)
        {
            result.CaseSensitive = false;
        }

        foreach (var header in http.Header ?? [])
        {
            if (HeaderMatchers.Header(header.Name, header.Present, header.Exact, header.Prefix, header.Suffix, header.Regex, header.Invert) is { } matcher)
            {
                result.Headers.Add(matcher);
            }
        }

        if (http.Methods is { Count: > 0 } methods)
        {
            result.Headers.Add(HeaderMatchers.Methods(methods));
        }

        foreach (var param in http.QueryParam ?? [])
        {
            var matcher = new QueryParameterMatcher { Name = param.Name ?? string.Empty };
            if (!string.IsNullOrEmpty(param.Exact))
            {
                matcher.StringMatch = new StringMatcher { Exact = param.Exact };
            }
            else if (!string.IsNullOrEmpty(param.Regex))
            {
                matcher.StringMatch = new StringMatcher { SafeRegex = new RegexMatcher { Regex = param.Regex } };
            }
            else if (param.Present)
            {
                matcher.PresentMatch = true;
            }
            else
            {
                continue;
            }

            result.QueryParameters.Add(matcher);
        }

        return result;
    }

    private static bool IsEmpty(ServiceRouteHttpMatch http)
        => string.IsNullOrEmpty(http.PathExact) && string.IsNullOrEmpty(http.PathPrefix) && string.IsNullOrEmpty(http.PathRegex)
           && http.Header is not { Count: > 0 } && http.QueryParam is not { Count: > 0 } && http.Methods is not { Count: > 0 };
}
