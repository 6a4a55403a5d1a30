using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// The ACL token a request carries (<c>X-Consul-Token</c>, <c>Authorization: Bearer</c>, or <c>?token=</c>), made
/// available to every handler and to the command pipeline through the request features.
/// </summary>
public sealed record RequestToken(string SecretId)
{
    public static RequestToken Anonymous { get; } = new(string.Empty);

    public bool IsAnonymous => SecretId.Length == 0;

    public static RequestToken From(HttpRequest request)
    {
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

        return Anonymous;
    }

    public static RequestToken Of(HttpContext context)
        => context.Features.Get<RequestToken>() ?? From(context.Request);
}
