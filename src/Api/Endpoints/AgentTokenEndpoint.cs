using System.Text.Json;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Server;
using Mesh.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>PUT /v1/agent/token/:type</c> (<c>mesh acl set-agent-token</c>): replaces one of the serving agent's own tokens
/// in memory, as Consul's <c>AgentToken</c> handler. Needs <c>acl:write</c>; 401 with ACLs off; persisted only with
/// <c>acl.enable_token_persistence</c>. The body is <c>{"Token":"secret"}</c>; an empty token clears the type.
/// </summary>
public static class AgentTokenEndpoint
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
        => app.MapPut("/v1/agent/token/{type}", context => SetAsync(context, server));

    private static async Task SetAsync(HttpContext context, ServerRuntime server)
    {
        if (!server.Access.Enabled)
        {
            throw new ApiException(StatusCodes.Status401Unauthorized, "ACL support disabled");
        }

        Writes.Authorize(context, server, AclResource.Acl, string.Empty, AclAccess.Write);
        var body = await RequestBody.ReadJsonObjectAsync(context).ConfigureAwait(false);
        string? secret = null;
        if (body is not null)
        {
            var field = body.FirstOrDefault(p => string.Equals(p.Key, "Token", StringComparison.OrdinalIgnoreCase)).Value;
            secret = field switch
            {
                null => null,
                _ when field.GetValueKind() == JsonValueKind.String => field.GetValue<string>(),
                _ => throw ApiException.BadRequest("Request decode failed: Token must be a string"),
            };
        }

        var type = Writes.Route(context, "type");
        if (AgentTokenStore.Canonical(type) is null)
        {
            throw ApiException.NotFound($"Token \"{type}\" is unknown");
        }

        try
        {
            server.AgentTokens.Set(type, secret);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ApiException(StatusCodes.Status500InternalServerError, $"Failed to persist tokens - {error.Message}");
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
