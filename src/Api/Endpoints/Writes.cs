using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Config.Filtering;
using Mesh.Fsm.Commands;
using Mesh.Server;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Endpoints;

/// <summary>Submits a command for a request and maps an FSM refusal to a 4xx.</summary>
internal static class Writes
{
    public static async Task<ApplyResult> SubmitAsync(HttpContext context, ServerRuntime server, Command command)
    {
        var token = AuthorizeCommand(context, server, command);
        var result = await server.Commands.SubmitAsync(command, token, context.RequestAborted).ConfigureAwait(false);
        return result.ErrorKind switch
        {
            ApplyErrorKind.None => result,
            ApplyErrorKind.NotFound => throw ApiException.NotFound(result.Error!),
            ApplyErrorKind.PermissionDenied => throw ApiException.Forbidden(result.Error!),
            _ => throw ApiException.BadRequest(result.Error!),
        };
    }

    /// <summary>
    /// Checks a write by the command it becomes (the same table the leader applies to forwarded writes); throws 403.
    /// Returns the request's token for the submission.
    /// </summary>
    public static Mesh.Server.Access.RequestToken AuthorizeCommand(HttpContext context, ServerRuntime server, Command command)
    {
        var token = HttpRequestToken.Of(context);
        if (server.Access.CheckForwarded(token, command) is { } denied)
        {
            throw ApiException.Forbidden(denied);
        }

        return token;
    }

    /// <summary>Checks the ACL hook for a request; throws 403 with the policy's reason.</summary>
    public static void Authorize(HttpContext context, ServerRuntime server, AclResource resource, string name, AclAccess access)
    {
        if (server.Access.Check(HttpRequestToken.Of(context), resource, name, access) is { } denied)
        {
            throw ApiException.Forbidden(denied);
        }
    }

    /// <summary>
    /// A path parameter. Kestrel has already percent-decoded the path except <c>%2F</c>, so only that is decoded here;
    /// decoding everything again would turn an ID containing <c>%20</c> into one containing a space.
    /// </summary>
    public static string Route(HttpContext context, string name)
        => context.Request.RouteValues[name]?.ToString() is { Length: > 0 } value
            ? value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)
            : throw ApiException.BadRequest($"Missing {name} in the path");

    /// <summary>
    /// Rejects a read for another datacenter: this cluster has no WAN federation. Also rejects <c>?filter</c>, which
    /// only the endpoints that take <see cref="FilteredReadOptions"/> apply (silently ignoring it would return
    /// unfiltered data to a client that asked for less).
    /// </summary>
    public static QueryOptions ReadOptions(HttpContext context, ServerRuntime server)
    {
        var options = LocalReadOptions(context, server);
        if (context.Request.Query.ContainsKey("filter"))
        {
            throw ApiException.BadRequest("?filter is not supported on this endpoint");
        }

        return options;
    }

    /// <summary>The read options and the request's <c>?filter</c> expression (null without one; 400 if it does not parse).</summary>
    public static (QueryOptions Options, FilterExpression? Filter) FilteredReadOptions(HttpContext context, ServerRuntime server)
    {
        var options = LocalReadOptions(context, server);
        return (options, RequestFilter.Parse(context.Request));
    }

    private static QueryOptions LocalReadOptions(HttpContext context, ServerRuntime server)
    {
        var options = QueryOptions.Parse(context.Request);
        if (!server.Self.IsLocalDatacenter(options.Datacenter))
        {
            throw ApiException.BadRequest($"No path to datacenter \"{options.Datacenter}\": this cluster serves only \"{server.Self.Datacenter}\"");
        }

        return options;
    }
}
