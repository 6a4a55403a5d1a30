using Mesh.Server.Access;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// Reads the ACL token of an HTTP request (<c>?token=</c>, <c>X-Consul-Token</c>, or <c>Authorization: Bearer</c>, in
/// Consul's order), made available to every handler and to the command pipeline through the request features.
/// </summary>
public static class HttpRequestToken
{
    public static RequestToken From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query.TryGetValue("token", out var query) && !string.IsNullOrEmpty(query))
        {
            return new RequestToken(query.ToString());
        }

        if (request.Headers.TryGetValue("X-Consul-Token", out var header) && !string.IsNullOrEmpty(header))
        {
            return new RequestToken(header.ToString());
        }

        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return new RequestToken(authorization[bearer.Length..].Trim());
        }

        return RequestToken.Anonymous;
    }

    public static RequestToken Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<RequestToken>() ?? From(context.Request);
    }
}
