using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Server;
using Mesh.Server.Membership;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// The agent endpoints that act on the cluster and on the process: <c>PUT /v1/agent/join/:address</c>,
/// <c>/force-leave/:node</c>, <c>/leave</c> and <c>/reload</c> (all <c>agent:write</c> on this node, as in Consul),
/// <c>GET /v1/agent/version</c> (no token), <c>/host</c> (<c>operator:read</c>) and <c>/monitor</c> (<c>agent:read</c>).
/// </summary>
public static class AgentMembershipEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPut("/v1/agent/join/{address}", context => JoinAsync(context, server));
        app.MapPut("/v1/agent/force-leave/{node}", context => ForceLeaveAsync(context, server));
        app.MapPut("/v1/agent/leave", context => LeaveAsync(context, server));
        app.MapPut("/v1/agent/reload", context => ReloadAsync(context, server));
        app.MapGet("/v1/agent/version", context => AgentInfoEndpoints.VersionAsync(context));
        app.MapGet("/v1/agent/host", context => AgentInfoEndpoints.HostAsync(context, server));
        app.MapGet("/v1/agent/monitor", context => AgentMonitorEndpoint.MonitorAsync(context, server));
    }

    private static ServerMembership Membership(ServerRuntime server)
        => server.Membership?.Value ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "The cluster layer is not running on this server");

    private static void AuthorizeAgentWrite(HttpContext context, ServerRuntime server)
        => Writes.Authorize(context, server, AclResource.Agent, server.Self.NodeName, AclAccess.Write);

    private static async Task JoinAsync(HttpContext context, ServerRuntime server)
    {
        AuthorizeAgentWrite(context, server);
        var address = Writes.Route(context, "address");
        if (QueryOptions.Flag(context.Request, "wan"))
        {
            throw ApiException.BadRequest("WAN join is not supported: this cluster serves one datacenter (no WAN federation)");
        }

        try
        {
            await Membership(server).JoinAsync(address, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw ApiException.BadRequest(error.Message);
        }
        catch (MembershipException error)
        {
            throw ApiException.BadRequest(error.Message);
        }
    }

    private static async Task ForceLeaveAsync(HttpContext context, ServerRuntime server)
    {
        AuthorizeAgentWrite(context, server);
        var node = Writes.Route(context, "node");
        try
        {
            await Membership(server).ForceLeaveAsync(node, context.RequestAborted).ConfigureAwait(false);
        }
        catch (MemberNotFoundException error)
        {
            throw ApiException.NotFound(error.Message);
        }
        catch (MembershipException error)
        {
            throw ApiException.BadRequest(error.Message);
        }
    }

    private static async Task LeaveAsync(HttpContext context, ServerRuntime server)
    {
        AuthorizeAgentWrite(context, server);
        try
        {
            await Membership(server).LeaveAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (MembershipException error)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, error.Message);
        }

        // Answer first, then stop: the process exits once the response is on its way.
        context.Response.OnCompleted(() =>
        {
            server.AgentHost.Host?.Shutdown();
            return Task.CompletedTask;
        });
    }

    private static async Task ReloadAsync(HttpContext context, ServerRuntime server)
    {
        AuthorizeAgentWrite(context, server);
        var host = server.AgentHost.Host ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "This server has no agent process to reload");
        try
        {
            await host.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (AgentReloadException error)
        {
            throw ApiException.BadRequest(error.Message);
        }
    }
}
