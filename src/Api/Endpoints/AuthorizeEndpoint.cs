using Mesh.Api.Http;
using Mesh.Api.Intentions;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>POST /v1/agent/connect/authorize</c>: may the service in a client certificate connect to <c>Target</c>? The L4
/// intention decision, with Consul's reason strings; an L7 intention matched here denies.
/// </summary>
public static class AuthorizeEndpoint
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
        => app.MapPost("/v1/agent/connect/authorize", context => AuthorizeAsync(context, server));

    private static async Task AuthorizeAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, IntentionJson.Info<AuthorizeRequestBody>()).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Target))
        {
            throw ApiException.BadRequest("Target service must be specified");
        }

        var client = SpiffeServiceUri.Parse(body.ClientCertUri, out var invalid) ?? throw ApiException.BadRequest(invalid!);
        Writes.Authorize(context, server, AclResource.Service, body.Target, AclAccess.Write);

        AuthorizeResult result;
        if (client.Partition != "default")
        {
            result = new AuthorizeResult(false, $"Mismatched partitions: \"{client.Partition}\" != \"default\"");
        }
        else if (client.Namespace != IntentionPrecedence.DefaultNamespace)
        {
            // Every intention here has default-namespace sources, so another namespace matches none of them.
            var fallback = IntentionDecision.Default(server.Self.DefaultIntentionPolicy);
            result = new AuthorizeResult(fallback.Allowed, fallback.Reason);
        }
        else
        {
            await BlockingQuery.ReadBarrierAsync(server, ConsistencyMode.Default, context.RequestAborted).ConfigureAwait(false);
            var decision = IntentionDecision.Decide(server.Fsm.Current, client.Service, body.Target, server.Self.DefaultIntentionPolicy);
            result = new AuthorizeResult(decision.Allowed, decision.Reason);
        }

        await ApiResponse.WriteJsonAsync(context, result, IntentionJson.Info<AuthorizeResult>()).ConfigureAwait(false);
    }
}
