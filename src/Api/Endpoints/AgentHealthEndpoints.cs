using Mesh.Api.Agent;
using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Fsm.Model;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/agent/health/service/name/:service</c> and <c>/id/:id</c>: the aggregated health of this agent's instances,
/// answered with Consul's codes (200 passing, 429 warning, 503 critical or maintenance, 404 unknown) so load
/// balancers can probe them; <c>?format=text</c> (or <c>Accept: text/plain</c>) answers the status alone.
/// </summary>
public static class AgentHealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/agent/health/service/name/{service}", context => ByNameAsync(context, server));
        app.MapGet("/v1/agent/health/service/id/{id}", context => ByIdAsync(context, server));
    }

    private static Task ByNameAsync(HttpContext context, ServerRuntime server)
    {
        Writes.ReadOptions(context, server);
        var name = Writes.Route(context, "service");
        Writes.Authorize(context, server, AclResource.Service, name, AclAccess.Read);
        var state = server.Fsm.Current;
        var node = server.Self.NodeName;
        var code = StatusCodes.Status404NotFound;
        var status = $"ServiceName {name} Not Found";
        var result = new List<AgentServiceChecksView>();
        foreach (var service in state.ServicesOnNode(node).Where(s => s.Service == name).OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var view = Instance(server, service);
            result.Add(view);
            var instanceCode = AggregatedHealth.StatusCode(view.AggregatedStatus);

            // The worst instance decides (passing 200 < warning 429 < critical 503), as Consul keeps the highest code.
            if (code == StatusCodes.Status404NotFound || code < instanceCode)
            {
                code = instanceCode;
                status = view.AggregatedStatus;
            }
        }

        return WantsText(context.Request)
            ? WriteTextAsync(context, code, status)
            : ApiResponse.WriteJsonAsync<IReadOnlyList<AgentServiceChecksView>>(context, result, OpsJsonContext.Default.IReadOnlyListAgentServiceChecksView, code);
    }

    private static Task ByIdAsync(HttpContext context, ServerRuntime server)
    {
        Writes.ReadOptions(context, server);
        var id = Writes.Route(context, "id");
        if (server.Fsm.Current.FindService(server.Self.NodeName, id) is not { } service)
        {
            var reason = $"ServiceId {id} not found";
            return WantsText(context.Request)
                ? WriteTextAsync(context, StatusCodes.Status404NotFound, reason)
                : ApiResponse.WriteJsonAsync(context, new AgentServiceChecksView(HealthStatus.Critical, null, null), OpsJsonContext.Default.AgentServiceChecksView, StatusCodes.Status404NotFound);
        }

        Writes.Authorize(context, server, AclResource.Service, service.Service, AclAccess.Read);
        var view = Instance(server, service);
        var code = AggregatedHealth.StatusCode(view.AggregatedStatus);
        return WantsText(context.Request)
            ? WriteTextAsync(context, code, view.AggregatedStatus)
            : ApiResponse.WriteJsonAsync(context, view, OpsJsonContext.Default.AgentServiceChecksView, code);
    }

    private static AgentServiceChecksView Instance(ServerRuntime server, NodeService service)
    {
        var checks = server.Fsm.Current.ChecksForInstance(server.Self.NodeName, service.Id).OrderBy(c => c.CheckId, StringComparer.Ordinal).ToList();
        return new AgentServiceChecksView(AggregatedHealth.Of(checks), AgentServiceView.From(service, server.Self.Datacenter), checks);
    }

    /// <summary>Consul's <c>returnTextPlain</c>: an <c>Accept: text/plain</c> header, else <c>?format=text</c>.</summary>
    private static bool WantsText(HttpRequest request)
        => request.Headers.Accept.ToString().StartsWith("text/plain", StringComparison.Ordinal) || request.Query["format"].ToString() == "text";

    private static Task WriteTextAsync(HttpContext context, int statusCode, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
