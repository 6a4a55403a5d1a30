using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Server;
using Mesh.Server.Access;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Endpoints;

/// <summary>What every ACL endpoint shares: the 401 with ACLs off, the acl:read/acl:write checks, and submitting a write.</summary>
internal static class AclEdge
{
    /// <summary>Consul answers every ACL endpoint with 401 <c>ACL support disabled</c> when ACLs are off.</summary>
    public static void RequireEnabled(ServerRuntime server)
    {
        if (!server.Access.Enabled)
        {
            throw new ApiException(StatusCodes.Status401Unauthorized, Mesh.Acl.Authorization.PermissionDeniedMessage.AclDisabled);
        }
    }

    public static void Require(HttpContext context, ServerRuntime server, AclAccess access)
    {
        RequireEnabled(server);
        Writes.Authorize(context, server, AclResource.Acl, string.Empty, access);
    }

    /// <summary>Whether the caller may see secrets (acl:write), as Consul shows <c>SecretID</c> only then.</summary>
    public static bool CanSeeSecrets(HttpContext context, ServerRuntime server)
        => server.Access.Check(HttpRequestToken.Of(context), AclResource.Acl, string.Empty, AclAccess.Write) is null;

    /// <summary>The accessor of the token the request stands for (null if none resolves).</summary>
    public static string? CallerAccessor(HttpContext context, ServerRuntime server)
        => server.Access is AclAccessPolicy acl ? acl.Resolve(HttpRequestToken.Of(context)).Token?.AccessorId : null;

    /// <summary>
    /// Submits a write (checked by the command as every write is, also on the leader when forwarded) and waits until
    /// this server has applied it, so the response can be read back from the local store. Refusals become 4xx.
    /// </summary>
    public static async Task<StoreState> SubmitAsync(HttpContext context, ServerRuntime server, Command command)
    {
        // Bootstrap needs no permission and ignores the request's token (an unknown one must not make it "ACL not found").
        var token = command is AclBootstrapCommand ? RequestToken.Anonymous : Writes.AuthorizeCommand(context, server, command);
        var result = await server.Commands.SubmitAsync(command, token, context.RequestAborted).ConfigureAwait(false);
        switch (result.ErrorKind)
        {
            case ApplyErrorKind.None:
                break;
            case ApplyErrorKind.NotFound:
                throw ApiException.NotFound(result.Error!);
            case ApplyErrorKind.PermissionDenied:
                throw ApiException.Forbidden(result.Error!);
            case ApplyErrorKind.Conflict when command is AclBootstrapCommand:
                throw ApiException.Forbidden("Permission denied: " + result.Error);
            default:
                throw ApiException.BadRequest(result.Error!);
        }

        if (server.Fsm.Current.AppliedIndex < result.Index)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await server.Fsm.Changes.WaitForIndexAsync(result.Index, timeout.Token).ConfigureAwait(false);
        }

        return server.Fsm.Current;
    }
}
