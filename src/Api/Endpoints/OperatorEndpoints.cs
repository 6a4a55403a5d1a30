using System.Globalization;
using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Config.Durations;
using Mesh.Server;
using Mesh.Server.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/operator/raft/*</c>, <c>/v1/operator/autopilot/health</c> and <c>/v1/agent/members</c>.</summary>
public static class OperatorEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/operator/raft/configuration", context => ConfigurationAsync(context, server));
        app.MapDelete("/v1/operator/raft/peer", context => RemovePeerAsync(context, server));
        app.MapGet("/v1/operator/autopilot/health", context => AutopilotHealthAsync(context, server));
        app.MapGet("/v1/agent/members", context => MembersAsync(context, server));
    }

    /// <summary>The cluster view, or 503 while the cluster layer has not started (shared by the operator endpoints).</summary>
    internal static IClusterView Cluster(ServerRuntime server)
        => server.Cluster ?? throw new ApiException(503, "The cluster layer is not running on this server yet");

    private static async Task ConfigurationAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        await BlockingQuery.ReadBarrierAsync(server, options.Consistency, context.RequestAborted).ConfigureAwait(false);
        var servers = Cluster(server).Servers;
        var view = new RaftConfigurationView(
            [.. servers.Select(s => new RaftServerView(s.Id, s.Name, s.Address, s.Leader, "3", s.Voter, s.LastIndex))],
            server.Raft.CommitIndex);
        BlockingQuery.WriteMeta(context, server, options, server.Raft.CommitIndex);
        await ApiResponse.WriteJsonAsync(context, view, ApiJsonContext.Default.RaftConfigurationView).ConfigureAwait(false);
    }

    private static async Task RemovePeerAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Write);
        var query = context.Request.Query;
        var id = query["id"].ToString();
        var address = query["address"].ToString();
        if (id.Length > 0 == address.Length > 0)
        {
            throw ApiException.BadRequest("Must specify exactly one of ?id or ?address");
        }

        var cluster = Cluster(server);
        if (id.Length > 0)
        {
            address = cluster.Servers.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))?.Address
                ?? throw ApiException.BadRequest($"id \"{id}\" was not found in the Raft configuration");
        }
        else if (cluster.Servers.All(s => s.Address != address))
        {
            throw ApiException.BadRequest($"address \"{address}\" was not found in the Raft configuration");
        }

        try
        {
            await cluster.RemovePeerAsync(address, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PeerRemovalException refused)
        {
            throw new ApiException(refused.NotLeader ? 503 : 400, refused.Message);
        }
    }

    private static Task AutopilotHealthAsync(HttpContext context, ServerRuntime server)
    {
        Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        var cluster = Cluster(server);
        var view = new AutopilotHealthView(cluster.Healthy, cluster.FailureTolerance, [.. cluster.Servers.Select(s => new AutopilotServerView
        {
            Id = s.Id,
            Name = s.Name,
            Address = s.Address,
            SerfStatus = s.Alive ? "alive" : "failed",
            Version = s.Version,
            Leader = s.Leader,
            LastContact = s.LastContact == TimeSpan.MaxValue ? "never" : GoDuration.Format(s.LastContact),
            LastTerm = s.LastTerm,
            LastIndex = s.LastIndex,
            Healthy = s.Healthy,
            Voter = s.Voter,
            StableSince = s.StableSince,
        })]);

        // Consul answers 429 when the cluster is unhealthy, so load balancers can use this as a health check.
        return ApiResponse.WriteJsonAsync(context, view, ApiJsonContext.Default.AutopilotHealthView, view.Healthy ? 200 : 429);
    }

    private static Task MembersAsync(HttpContext context, ServerRuntime server)
    {
        var acl = AclReadFilter.For(context, server);
        var members = Cluster(server).Servers.Where(s => acl.Node(s.Name.Length > 0 ? s.Name : s.Address)).Select(s =>
        {
            var colon = s.Address.LastIndexOf(':');
            var port = colon > 0 && int.TryParse(s.Address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            return new AgentMemberView(
                s.Name.Length > 0 ? s.Name : s.Address,
                colon > 0 ? s.Address[..colon] : s.Address,
                port,
                new Dictionary<string, string>
                {
                    ["role"] = "consul",
                    ["dc"] = server.Self.Datacenter,
                    ["id"] = s.Id,
                    ["port"] = port.ToString(CultureInfo.InvariantCulture),
                    ["vsn"] = "2",
                    ["build"] = s.Version,
                },
                s.Alive ? 1 : 4);
        }).ToList();
        return ApiResponse.WriteJsonAsync<IReadOnlyList<AgentMemberView>>(context, members, ApiJsonContext.Default.IReadOnlyListAgentMemberView);
    }
}
