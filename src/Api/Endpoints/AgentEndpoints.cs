using Mesh.Api.Contracts;
using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Api.Translation;
using Mesh.Config.Access;
using Mesh.Config.Filtering;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Server;
using Mesh.Server.Membership;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/agent/*</c>: in this agentless design they act on the serving server's own catalog node.</summary>
public static class AgentEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/agent/self", context => SelfAsync(context, server));
        app.MapGet("/v1/agent/services", context => ServicesAsync(context, server));
        app.MapGet("/v1/agent/service/{id}", context => ServiceAsync(context, server));
        app.MapGet("/v1/agent/checks", context => ChecksAsync(context, server));
        app.MapGet("/v1/agent/metrics", context => Metrics.MetricsEndpoint.HandleAsync(context, server));
        app.MapPut("/v1/agent/service/register", context => RegisterServiceAsync(context, server));
        app.MapPut("/v1/agent/service/deregister/{id}", context => DeregisterServiceAsync(context, server));
        app.MapPut("/v1/agent/check/register", context => RegisterCheckAsync(context, server));
        app.MapPut("/v1/agent/check/deregister/{id}", context => DeregisterCheckAsync(context, server));
        app.MapPut("/v1/agent/check/pass/{id}", context => TtlUpdateAsync(context, server, HealthStatus.Passing));
        app.MapPut("/v1/agent/check/warn/{id}", context => TtlUpdateAsync(context, server, HealthStatus.Warning));
        app.MapPut("/v1/agent/check/fail/{id}", context => TtlUpdateAsync(context, server, HealthStatus.Critical));
        app.MapPut("/v1/agent/check/update/{id}", context => TtlUpdateAsync(context, server, status: null));
    }

    private static Task SelfAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Agent, server.Self.NodeName, AclAccess.Read);
        var self = server.Self;
        var view = new AgentSelfView(
            new AgentSelfConfig
            {
                Datacenter = self.Datacenter,
                PrimaryDatacenter = self.Datacenter,
                NodeName = self.NodeName,
                NodeId = self.NodeId,
                Server = true,
                Version = MeshVersion.ConsulCompatible,
                MeshVersion = self.Version,
            },
            new AgentSelfMember(self.NodeName, self.AdvertiseAddress, self.ServerEndPoint.Port,
                AgentSelfDebugConfig.MemberTags(self),
                Status: 1),
            new Dictionary<string, string>(),
            new AgentSelfXds(
                new Dictionary<string, IReadOnlyList<string>> { ["envoy"] = ["1.33.0", "1.32.3", "1.31.5", "1.30.9"] },
                // As Consul: Port is the TLS port when there is one, else the plaintext port; Ports gives both.
                self.GrpcTlsPort > 0 ? self.GrpcTlsPort : self.GrpcPort,
                new AgentSelfXdsPorts(self.GrpcPort, self.GrpcTlsPort)))
        {
            DebugConfig = AgentSelfDebugConfig.For(server),
            Stats = AgentSelfDebugConfig.Stats(server),
        };
        return ApiResponse.WriteJsonAsync(context, view, ApiJsonContext.Default.AgentSelfView);
    }

    private static Task ServicesAsync(HttpContext context, ServerRuntime server)
    {
        var (_, filter) = Writes.FilteredReadOptions(context, server);
        var acl = AclReadFilter.For(context, server);
        // The leader's "consul" entry for this server is catalog state, not an agent-local service (Consul's agent
        // services never list it).
        var services = server.Fsm.Current.ServicesOnNode(server.Self.NodeName)
            .Where(s => s.Id != ServerCatalogEntry.ServiceName && acl.Service(s.Service))
            .ToDictionary(s => s.Id, s => AgentServiceView.From(s, server.Self.Datacenter), StringComparer.Ordinal);
        var info = ApiJsonContext.Default.IReadOnlyDictionaryStringAgentServiceView;
        return ApiResponse.WriteJsonAsync(context, filter.Where(services, info), info);
    }

    private static Task ServiceAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        var service = server.Fsm.Current.FindService(server.Self.NodeName, id)
            ?? throw ApiException.NotFound($"Unknown service ID \"{id}\". Ensure that the service ID is passed, not the service name.");
        Writes.Authorize(context, server, AclResource.Service, service.Service, AclAccess.Read);
        return ApiResponse.WriteJsonAsync(context, AgentServiceView.From(service, server.Self.Datacenter), ApiJsonContext.Default.AgentServiceView);
    }

    private static Task ChecksAsync(HttpContext context, ServerRuntime server)
    {
        var (_, filter) = Writes.FilteredReadOptions(context, server);
        var acl = AclReadFilter.For(context, server);
        var checks = server.Fsm.Current.ChecksOnNode(server.Self.NodeName).Where(acl.Check).ToDictionary(c => c.CheckId, StringComparer.Ordinal);
        var info = ApiJsonContext.Default.IReadOnlyDictionaryStringHealthCheck;
        return ApiResponse.WriteJsonAsync(context, filter.Where(checks, info), info);
    }

    private static async Task RegisterServiceAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Default.ServiceDefinitionBody).ConfigureAwait(false);
        var replaceChecks = QueryOptions.Flag(context.Request, "replace-existing-checks");
        await server.AgentRegistrationLock.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var command = AgentRegistration.ToCommand(body, server.Self, server.Fsm.Current, replaceChecks);
            foreach (var register in command.Commands.OfType<RegisterCommand>())
            {
                Writes.Authorize(context, server, AclResource.Service, register.Service!.Service, AclAccess.Write);
            }

            // After the ACL check, as Consul: a caller without write access learns nothing about the agent's settings.
            ScriptCheckGate.RequireRemote(command.Commands.OfType<RegisterCommand>().SelectMany(r => r.Checks), server.Self.EnableRemoteScriptChecks);

            await Writes.SubmitAsync(context, server, command).ConfigureAwait(false);
        }
        finally
        {
            server.AgentRegistrationLock.Release();
        }
    }

    private static async Task DeregisterServiceAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        var state = server.Fsm.Current;
        var service = state.FindService(server.Self.NodeName, id)
            ?? throw ApiException.NotFound($"Unknown service ID \"{id}\". Ensure that the service ID is passed, not the service name.");
        Writes.Authorize(context, server, AclResource.Service, service.Service, AclAccess.Write);

        // A sidecar registered alongside the service goes with it, as in Consul.
        var commands = new List<Command> { new DeregisterCommand { Node = server.Self.NodeName, ServiceId = id } };
        var sidecarId = $"{id}-sidecar-proxy";
        if (state.FindService(server.Self.NodeName, sidecarId) is { Kind: ServiceKind.ConnectProxy } sidecar && sidecar.Proxy.DestinationServiceID == id)
        {
            commands.Add(new DeregisterCommand { Node = server.Self.NodeName, ServiceId = sidecarId });
        }

        await Writes.SubmitAsync(context, server, new BatchCommand { Commands = commands }).ConfigureAwait(false);
    }

    private static async Task RegisterCheckAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Default.CheckBody).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Name))
        {
            throw ApiException.BadRequest("Missing check name (Name)");
        }

        var serviceId = body.ServiceId ?? string.Empty;
        if (serviceId.Length > 0 && server.Fsm.Current.FindService(server.Self.NodeName, serviceId) is null)
        {
            throw ApiException.BadRequest($"ServiceID \"{serviceId}\" does not exist on this agent");
        }

        var check = CheckTranslation.FromAgent(body, server.Self.NodeName, body.Name, body.Name, serviceId);
        var command = new RegisterCommand
        {
            Node = server.Self.NodeName,
            NodeId = server.Self.NodeId,
            Address = server.Self.AdvertiseAddress,
            Datacenter = server.Self.Datacenter,
            Checks = [check],
            SkipNodeUpdate = true,
        };
        Writes.AuthorizeCommand(context, server, command); // Before the script gate, as Consul.
        ScriptCheckGate.RequireRemote([check], server.Self.EnableRemoteScriptChecks);
        await Writes.SubmitAsync(context, server, command).ConfigureAwait(false);
    }

    private static async Task DeregisterCheckAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        if (server.Fsm.Current.FindCheck(server.Self.NodeName, id) is null)
        {
            throw ApiException.NotFound($"Unknown check ID \"{id}\". Ensure that the check ID is passed, not the check name.");
        }

        await Writes.SubmitAsync(context, server, new DeregisterCommand { Node = server.Self.NodeName, CheckId = id }).ConfigureAwait(false);
    }

    /// <summary>pass/warn/fail take <c>?note=</c> as the output; update takes <c>{Status, Output}</c>. Only TTL checks accept them.</summary>
    private static async Task TtlUpdateAsync(HttpContext context, ServerRuntime server, string? status)
    {
        var id = Writes.Route(context, "id");
        var output = context.Request.Query["note"].ToString();
        if (status is null)
        {
            var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Default.CheckUpdateBody).ConfigureAwait(false);
            if (string.IsNullOrEmpty(body.Status))
            {
                throw ApiException.BadRequest("Missing Status: must be passing, warning or critical");
            }

            status = body.Status is HealthStatus.Passing or HealthStatus.Warning or HealthStatus.Critical
                ? body.Status
                : throw ApiException.BadRequest($"Invalid check status \"{body.Status}\": must be passing, warning or critical");
            output = body.Output ?? string.Empty;
        }

        const int maxOutput = 4096; // Consul's default check output limit.
        if (output.Length > maxOutput)
        {
            output = output[..maxOutput] + " ... (captured " + maxOutput + " of " + output.Length + " bytes)";
        }

        var check = server.Fsm.Current.FindCheck(server.Self.NodeName, id)
            ?? throw ApiException.NotFound($"Unknown check ID \"{id}\". Ensure that the check ID is passed, not the check name.");
        if (TtlTracker.TtlOf(check) is null)
        {
            throw ApiException.BadRequest($"CheckID \"{id}\" does not have associated TTL");
        }

        if (server.Access.CheckForwarded(HttpRequestToken.Of(context), new UpdateCheckCommand { Node = check.Node, CheckId = id }) is { } denied)
        {
            throw ApiException.Forbidden(denied); // service:write for a service's check, node:write for a node check
        }

        server.Ttl.Heartbeat(check);

        // A heartbeat that changes nothing is not written: only transitions go through Raft.
        if (check.Status != status || check.Output != output)
        {
            await Writes.SubmitAsync(context, server, new UpdateCheckCommand { Node = check.Node, CheckId = id, Status = status, Output = output }).ConfigureAwait(false);
        }
    }
}
