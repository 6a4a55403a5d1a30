using Mesh.Api.Acl;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/acl/policy*</c>, <c>/v1/acl/role*</c> and the templated policies, with Consul's shapes: acl:read to read,
/// acl:write to change. Bodies are checked and translated by <see cref="AclPolicyRequests"/>.
/// </summary>
public static class AclPolicyEndpoints
{
    private static readonly string[] PolicyKeys = [WatchKeys.AclPolicies];
    private static readonly string[] RoleKeys = [WatchKeys.AclRoles];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPut("/v1/acl/policy", context => SetPolicyAsync(context, server, null));
        app.MapGet("/v1/acl/policy/name/{name}", context => ReadPolicyAsync(context, server, byName: true));
        app.MapGet("/v1/acl/policy/{id}", context => ReadPolicyAsync(context, server, byName: false));
        app.MapPut("/v1/acl/policy/{id}", context => SetPolicyAsync(context, server, Writes.Route(context, "id")));
        app.MapDelete("/v1/acl/policy/{id}", context => DeletePolicyAsync(context, server));
        app.MapGet("/v1/acl/policies", context => ListPoliciesAsync(context, server));

        app.MapPut("/v1/acl/role", context => SetRoleAsync(context, server, null));
        app.MapGet("/v1/acl/role/name/{name}", context => ReadRoleAsync(context, server, byName: true));
        app.MapGet("/v1/acl/role/{id}", context => ReadRoleAsync(context, server, byName: false));
        app.MapPut("/v1/acl/role/{id}", context => SetRoleAsync(context, server, Writes.Route(context, "id")));
        app.MapDelete("/v1/acl/role/{id}", context => DeleteRoleAsync(context, server));
        app.MapGet("/v1/acl/roles", context => ListRolesAsync(context, server));

        app.MapGet("/v1/acl/templated-policies", context => ListTemplatesAsync(context, server));
        app.MapGet("/v1/acl/templated-policy/name/{**name}", context => ReadTemplateAsync(context, server));
        app.MapPost("/v1/acl/templated-policy/preview/{**name}", context => PreviewTemplateAsync(context, server));
    }

    private static async Task SetPolicyAsync(HttpContext context, ServerRuntime server, string? id)
    {
        var body = await RequestBody.ReadJsonAsync(context, AclJsonContext.Api.AclPolicyBody).ConfigureAwait(false);
        AclEdge.Require(context, server, AclAccess.Write);
        var policy = AclPolicyRequests.Policy(id, body, server.Fsm.Current);
        var state = await AclEdge.SubmitAsync(context, server, new AclPolicySetCommand { Policy = policy }).ConfigureAwait(false);
        var stored = state.FindAclPolicy(policy.Id) ?? throw ApiException.NotFound("ACL policy not found");
        await ApiResponse.WriteJsonAsync(context, AclViews.Policy(stored), AclJsonContext.Api.AclPolicyView).ConfigureAwait(false);
    }

    private static async Task ReadPolicyAsync(HttpContext context, ServerRuntime server, bool byName)
    {
        var key = byName ? Writes.Route(context, "name") : AclPolicyRequests.CheckId(Writes.Route(context, "id"), "policy");
        var options = Writes.ReadOptions(context, server);
        AclEdge.Require(context, server, AclAccess.Read);
        var (policy, index) = await new BlockingQuery(server, PolicyKeys).RunAsync(
            context, options, state => byName ? state.FindAclPolicyByName(key) : state.FindAclPolicy(key)).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (policy is null)
        {
            throw ApiException.NotFound("ACL policy not found");
        }

        await ApiResponse.WriteJsonAsync(context, AclViews.Policy(policy), AclJsonContext.Api.AclPolicyView).ConfigureAwait(false);
    }

    private static async Task DeletePolicyAsync(HttpContext context, ServerRuntime server)
    {
        var id = AclPolicyRequests.CheckId(Writes.Route(context, "id"), "policy");
        AclEdge.Require(context, server, AclAccess.Write);
        await DeleteAsync(context, server, new AclPolicyDeleteCommand { PolicyId = id }, server.Fsm.Current.FindAclPolicy(id) is not null).ConfigureAwait(false);
    }

    private static async Task ListPoliciesAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        AclEdge.Require(context, server, AclAccess.Read);
        var (policies, index) = await new BlockingQuery(server, PolicyKeys).RunAsync(context, options, state =>
            (IReadOnlyList<AclPolicyView>)[.. state.AclPolicies.Values.Select(policy => AclViews.Policy(policy, withRules: false))]).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        await ApiResponse.WriteJsonAsync(context, policies, AclJsonContext.Api.IReadOnlyListAclPolicyView).ConfigureAwait(false);
    }

    private static async Task SetRoleAsync(HttpContext context, ServerRuntime server, string? id)
    {
        var body = await RequestBody.ReadJsonAsync(context, AclJsonContext.Api.AclRoleBody).ConfigureAwait(false);
        AclEdge.Require(context, server, AclAccess.Write);
        var role = AclPolicyRequests.Role(id, body, server.Fsm.Current);
        var state = await AclEdge.SubmitAsync(context, server, new AclRoleSetCommand { Role = role }).ConfigureAwait(false);
        var stored = state.FindAclRole(role.Id) ?? throw ApiException.NotFound("ACL role not found");
        await ApiResponse.WriteJsonAsync(context, AclViews.Role(stored), AclJsonContext.Api.AclRoleView).ConfigureAwait(false);
    }

    private static async Task ReadRoleAsync(HttpContext context, ServerRuntime server, bool byName)
    {
        var key = byName ? Writes.Route(context, "name") : AclPolicyRequests.CheckId(Writes.Route(context, "id"), "role");
        var options = Writes.ReadOptions(context, server);
        AclEdge.Require(context, server, AclAccess.Read);
        var (role, index) = await new BlockingQuery(server, RoleKeys).RunAsync(
            context, options, state => byName ? state.FindAclRoleByName(key) : state.FindAclRole(key)).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (role is null)
        {
            throw ApiException.NotFound("ACL role not found");
        }

        await ApiResponse.WriteJsonAsync(context, AclViews.Role(role), AclJsonContext.Api.AclRoleView).ConfigureAwait(false);
    }

    private static async Task DeleteRoleAsync(HttpContext context, ServerRuntime server)
    {
        var id = AclPolicyRequests.CheckId(Writes.Route(context, "id"), "role");
        AclEdge.Require(context, server, AclAccess.Write);
        await DeleteAsync(context, server, new AclRoleDeleteCommand { RoleId = id }, server.Fsm.Current.FindAclRole(id) is not null).ConfigureAwait(false);
    }

    private static async Task ListRolesAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var policy = context.Request.Query["policy"].ToString();
        AclEdge.Require(context, server, AclAccess.Read);
        var (roles, index) = await new BlockingQuery(server, RoleKeys).RunAsync(context, options, state =>
            (IReadOnlyList<AclRoleView>)[.. state.AclRoles.Values
                .Where(role => policy.Length == 0 || role.Policies.Any(link => link.Id == policy))
                .Select(AclViews.Role)]).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        await ApiResponse.WriteJsonAsync(context, roles, AclJsonContext.Api.IReadOnlyListAclRoleView).ConfigureAwait(false);
    }

    private static async Task ListTemplatesAsync(HttpContext context, ServerRuntime server)
    {
        AclEdge.Require(context, server, AclAccess.Read);
        await ApiResponse.WriteJsonAsync(context, TemplatedPolicyCatalog.All, AclJsonContext.Api.IReadOnlyDictionaryStringAclTemplatedPolicyInfoView).ConfigureAwait(false);
    }

    private static async Task ReadTemplateAsync(HttpContext context, ServerRuntime server)
    {
        var name = Writes.Route(context, "name");
        AclEdge.Require(context, server, AclAccess.Read);
        if (!TemplatedPolicyCatalog.All.TryGetValue(name, out var template))
        {
            throw ApiException.NotFound($"Invalid templated policy Name: {name}");
        }

        await ApiResponse.WriteJsonAsync(context, template, AclJsonContext.Api.AclTemplatedPolicyInfoView).ConfigureAwait(false);
    }

    private static async Task PreviewTemplateAsync(HttpContext context, ServerRuntime server)
    {
        var name = Writes.Route(context, "name");
        var body = await RequestBody.ReadOptionalJsonAsync(context, AclJsonContext.Api.AclTemplatePreviewBody).ConfigureAwait(false);
        AclEdge.Require(context, server, AclAccess.Read);
        if (!TemplatedPolicyCatalog.All.ContainsKey(name))
        {
            throw ApiException.NotFound($"Invalid templated policy Name: {name}");
        }

        var template = TemplatedPolicyCatalog.Instantiate(name, body?.Name);
        await ApiResponse.WriteJsonAsync(context, TemplatedPolicyCatalog.Preview(template), AclJsonContext.Api.AclPolicyView).ConfigureAwait(false);
    }

    /// <summary>Deleting what does not exist answers <c>true</c>, as Consul does.</summary>
    private static async Task DeleteAsync(HttpContext context, ServerRuntime server, Command command, bool exists)
    {
        if (exists)
        {
            try
            {
                await AclEdge.SubmitAsync(context, server, command).ConfigureAwait(false);
            }
            catch (ApiException notFound) when (notFound.StatusCode == StatusCodes.Status404NotFound)
            {
                // Deleted by someone else in between.
            }
        }

        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }
}
