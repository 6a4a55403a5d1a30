using Mesh.Api.Acl;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;
using Mesh.Server;
using Mesh.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/acl/bootstrap</c> and <c>/v1/acl/token*</c> with Consul's shapes and rules: acl:read to read (secrets
/// shown only with acl:write), acl:write to change, none for bootstrap and <c>token/self</c>. Request-to-token
/// translation lives in <see cref="AclTokenRequests"/>.
/// </summary>
public static class AclTokenEndpoints
{
    private static readonly string[] TokenKeys = [WatchKeys.AclTokens];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPut("/v1/acl/bootstrap", context => BootstrapAsync(context, server));
        app.MapPut("/v1/acl/token", context => CreateAsync(context, server));
        app.MapGet("/v1/acl/token/self", context => SelfAsync(context, server));
        app.MapGet("/v1/acl/token/{id}", context => ReadAsync(context, server));
        app.MapPut("/v1/acl/token/{id}", context => UpdateAsync(context, server));
        app.MapDelete("/v1/acl/token/{id}", context => DeleteAsync(context, server));
        app.MapPut("/v1/acl/token/{id}/clone", context => CloneAsync(context, server));
        app.MapGet("/v1/acl/tokens", context => ListAsync(context, server));
    }

    private static async Task BootstrapAsync(HttpContext context, ServerRuntime server)
    {
        AclEdge.RequireEnabled(server);
        var body = await RequestBody.ReadOptionalJsonAsync(context, AclJsonContext.Api.AclBootstrapBody).ConfigureAwait(false);
        var secret = body?.BootstrapSecret;
        if (!string.IsNullOrEmpty(secret) && !AclNames.IsUuid(secret))
        {
            throw ApiException.BadRequest("Invalid BootstrapSecret: it must be a UUID");
        }

        var token = new AclToken
        {
            AccessorId = Guid.NewGuid().ToString(),
            SecretId = string.IsNullOrEmpty(secret) ? Guid.NewGuid().ToString() : secret,
            Description = AclBuiltins.BootstrapTokenDescription,
            Policies = [new AclLink { Id = AclBuiltins.ManagementPolicyId }],
        };
        var state = await AclEdge.SubmitAsync(context, server, new AclBootstrapCommand { Token = token }).ConfigureAwait(false);
        await WriteTokenAsync(context, state, token.AccessorId, showSecret: true).ConfigureAwait(false);
    }

    private static async Task CreateAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, AclJsonContext.Api.AclTokenBody).ConfigureAwait(false);
        AclEdge.Require(context, server, AclAccess.Write);
        var token = AclTokenRequests.ForCreate(body, server.Fsm.Current, server.Acl, server.Clock.GetUtcNow());
        var state = await AclEdge.SubmitAsync(context, server, new AclTokenSetCommand { Token = token }).ConfigureAwait(false);
        await WriteTokenAsync(context, state, token.AccessorId, showSecret: true).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        var body = await RequestBody.ReadJsonAsync(context, AclJsonContext.Api.AclTokenBody).ConfigureAwait(false);
        AclEdge.Require(context, server, AclAccess.Write);
        var token = AclTokenRequests.ForUpdate(id, body, server.Fsm.Current);
        var state = await AclEdge.SubmitAsync(context, server, new AclTokenSetCommand { Token = token }).ConfigureAwait(false);
        await WriteTokenAsync(context, state, token.AccessorId, showSecret: true).ConfigureAwait(false);
    }

    private static async Task CloneAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        var body = await RequestBody.ReadOptionalJsonAsync(context, AclJsonContext.Api.AclTokenBody).ConfigureAwait(false);
        AclEdge.Require(context, server, AclAccess.Write);
        var token = AclTokenRequests.ForClone(id, body?.Description, server.Fsm.Current, server.Clock.GetUtcNow());
        var state = await AclEdge.SubmitAsync(context, server, new AclTokenSetCommand { Token = token }).ConfigureAwait(false);
        await WriteTokenAsync(context, state, token.AccessorId, showSecret: true).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext context, ServerRuntime server)
    {
        var id = AclTokenRequests.CheckAccessor(Writes.Route(context, "id"));
        AclEdge.Require(context, server, AclAccess.Write);
        if (AclEdge.CallerAccessor(context, server) == id)
        {
            throw ApiException.BadRequest("Deletion of the request's authorization token is not permitted");
        }

        // Deleting a token that does not exist is not an error (Consul answers true).
        if (server.Fsm.Current.FindAclToken(id) is not null)
        {
            try
            {
                await AclEdge.SubmitAsync(context, server, new AclTokenDeleteCommand { AccessorId = id }).ConfigureAwait(false);
            }
            catch (ApiException notFound) when (notFound.StatusCode == StatusCodes.Status404NotFound)
            {
                // Deleted by someone else in between: the outcome is the same.
            }
        }

        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }

    private static async Task ReadAsync(HttpContext context, ServerRuntime server)
    {
        var id = AclTokenRequests.CheckAccessor(Writes.Route(context, "id"));
        var options = Writes.ReadOptions(context, server);
        AclEdge.Require(context, server, AclAccess.Read);
        var showSecret = AclEdge.CanSeeSecrets(context, server);
        var (token, index) = await new BlockingQuery(server, [WatchKeys.AclToken(id)], WatchKeys.AclTokens)
            .RunAsync(context, options, state => state.FindAclToken(id)).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (token is null)
        {
            throw ApiException.NotFound("Supplied token does not exist");
        }

        if (context.Request.Query.ContainsKey("expanded"))
        {
            var expanded = AclTokenExpansion.Expand(token, server.Fsm.Current, showSecret, server.Acl, server.Self.NodeName);
            await ApiResponse.WriteJsonAsync(context, expanded, AclJsonContext.Api.AclTokenExpandedView).ConfigureAwait(false);
            return;
        }

        await ApiResponse.WriteJsonAsync(context, AclViews.Token(token, showSecret), AclJsonContext.Api.AclTokenView).ConfigureAwait(false);
    }

    private static async Task SelfAsync(HttpContext context, ServerRuntime server)
    {
        AclEdge.RequireEnabled(server);
        var options = Writes.ReadOptions(context, server);
        await BlockingQuery.ReadBarrierAsync(server, options.Consistency, context.RequestAborted).ConfigureAwait(false);
        var resolution = ((AclAccessPolicy)server.Access).Resolve(HttpRequestToken.Of(context));
        if (resolution.Token is not { } token)
        {
            throw ApiException.Forbidden(Mesh.Acl.Authorization.PermissionDeniedMessage.AclNotFound);
        }

        BlockingQuery.WriteMeta(context, server, options, Math.Max(token.ModifyIndex, 1));
        await ApiResponse.WriteJsonAsync(context, AclViews.Token(token, showSecret: true), AclJsonContext.Api.AclTokenView).ConfigureAwait(false);
    }

    private static async Task ListAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var filter = TokenFilter(context.Request.Query);
        AclEdge.Require(context, server, AclAccess.Read);
        var showSecret = AclEdge.CanSeeSecrets(context, server);
        var (tokens, index) = await new BlockingQuery(server, TokenKeys).RunAsync(context, options, state =>
            (IReadOnlyList<AclTokenView>)[.. state.AclTokens.Values.Where(filter).Select(token => AclViews.Token(token, showSecret))]).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        await ApiResponse.WriteJsonAsync(context, tokens, AclJsonContext.Api.IReadOnlyListAclTokenView).ConfigureAwait(false);
    }

    /// <summary><c>?policy=</c>, <c>?role=</c>, <c>?authmethod=</c>, <c>?servicename=</c>: at most one, as Consul allows.</summary>
    private static Func<AclToken, bool> TokenFilter(IQueryCollection query)
    {
        var policy = query["policy"].ToString();
        var role = query["role"].ToString();
        var method = query["authmethod"].ToString();
        var service = query["servicename"].ToString();
        if (new[] { policy, role, method, service }.Count(value => value.Length > 0) > 1)
        {
            throw ApiException.BadRequest("can only filter by one of policy, role, serviceName, or authmethod at once");
        }

        if (policy.Length > 0)
        {
            return token => token.Policies.Any(link => link.Id == policy);
        }

        if (role.Length > 0)
        {
            return token => token.Roles.Any(link => link.Id == role);
        }

        if (method.Length > 0)
        {
            // Mesh has no auth methods yet, so no token was created by one.
            return _ => false;
        }

        if (service.Length > 0)
        {
            return token => token.ServiceIdentities.Any(identity => identity.ServiceName == service)
                || token.TemplatedPolicies.Any(template => template.TemplateName == AclTemplatedPolicy.Service && template.Name == service);
        }

        return _ => true;
    }

    private static Task WriteTokenAsync(HttpContext context, StoreState state, string accessorId, bool showSecret)
    {
        var token = state.FindAclToken(accessorId) ?? throw ApiException.NotFound("Supplied token does not exist");
        return ApiResponse.WriteJsonAsync(context, AclViews.Token(token, showSecret), AclJsonContext.Api.AclTokenView);
    }
}
