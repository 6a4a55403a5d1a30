using Mesh.Api.Agent;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>PUT /v1/agent/maintenance</c> (node:write) and <c>PUT /v1/agent/service/maintenance/:id</c> (service:write):
/// register or remove the maintenance check through the command pipeline, as Consul's agent does. Enabling twice
/// keeps the first reason; disabling when not in maintenance does nothing.
/// </summary>
public static class MaintenanceEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPut("/v1/agent/maintenance", context => NodeAsync(context, server));
        app.MapPut("/v1/agent/service/maintenance/{id}", context => ServiceAsync(context, server));
    }

    private static async Task NodeAsync(HttpContext context, ServerRuntime server)
    {
        var enable = Enable(context.Request);
        var node = server.Self.NodeName;
        Writes.Authorize(context, server, AclResource.Node, node, AclAccess.Write);
        var existing = server.Fsm.Current.FindCheck(node, AggregatedHealth.NodeMaintenanceCheckId);
        if (enable && existing is null)
        {
            await Writes.SubmitAsync(context, server, Register(server, MaintenanceChecks.ForNode(node, context.Request.Query["reason"].ToString()))).ConfigureAwait(false);
        }
        else if (!enable && existing is not null)
        {
            await Writes.SubmitAsync(context, server, new DeregisterCommand { Node = node, CheckId = existing.CheckId }).ConfigureAwait(false);
        }
    }

    private static async Task ServiceAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        var enable = Enable(context.Request);
        var node = server.Self.NodeName;
        var service = server.Fsm.Current.FindService(node, id)
            ?? throw ApiException.NotFound($"Unknown service ID \"{id}\". Ensure that the service ID is passed, not the service name.");
        Writes.Authorize(context, server, AclResource.Service, service.Service, AclAccess.Write);
        var existing = server.Fsm.Current.FindCheck(node, MaintenanceChecks.ServiceCheckId(id));
        if (enable && existing is null)
        {
            await Writes.SubmitAsync(context, server, Register(server, MaintenanceChecks.ForService(node, service, context.Request.Query["reason"].ToString()))).ConfigureAwait(false);
        }
        else if (!enable && existing is not null)
        {
            await Writes.SubmitAsync(context, server, new DeregisterCommand { Node = node, CheckId = existing.CheckId }).ConfigureAwait(false);
        }
    }

    /// <summary>Consul's parsing: <c>enable</c> must be present and a Go boolean (<c>strconv.ParseBool</c>).</summary>
    private static bool Enable(HttpRequest request)
    {
        if (!request.Query.TryGetValue("enable", out var values))
        {
            throw ApiException.BadRequest("Missing value for enable");
        }

        var raw = values.ToString();
        return raw switch
        {
            "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
            "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
            _ => throw ApiException.BadRequest($"Invalid value for enable: \"{raw}\""),
        };
    }

    private static RegisterCommand Register(ServerRuntime server, HealthCheck check) => new()
    {
        Node = server.Self.NodeName,
        NodeId = server.Self.NodeId,
        Address = server.Self.AdvertiseAddress,
        Datacenter = server.Self.Datacenter,
        Checks = [check],
        SkipNodeUpdate = true,
    };
}
