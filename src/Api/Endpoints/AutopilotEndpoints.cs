using System.Globalization;
using System.Text.Json;
using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Config.Durations;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Mesh.Server.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/operator/autopilot/configuration</c> (GET operator:read, PUT operator:write with <c>?cas=</c>; the
/// configuration is a Raft command), <c>/v1/operator/autopilot/state</c>, <c>/v1/operator/raft/transfer-leader</c>
/// and <c>/v1/operator/usage</c>.
/// </summary>
public static class AutopilotEndpoints
{
    private static readonly string[] AutopilotKeys = [WatchKeys.Autopilot];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/operator/autopilot/configuration", context => GetConfigurationAsync(context, server));
        app.MapPut("/v1/operator/autopilot/configuration", context => PutConfigurationAsync(context, server));
        app.MapGet("/v1/operator/autopilot/state", context => StateAsync(context, server));
        app.MapPost("/v1/operator/raft/transfer-leader", context => TransferLeaderAsync(context, server));
        app.MapGet("/v1/operator/usage", context => UsageAsync(context, server));
    }

    private static async Task GetConfigurationAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        await BlockingQuery.ReadBarrierAsync(server, options.Consistency, context.RequestAborted).ConfigureAwait(false);
        var config = OperatorEndpoints.Cluster(server).Configuration;
        BlockingQuery.WriteMeta(context, server, options, server.Fsm.Current.IndexOf(WatchKeys.Autopilot));
        await ApiResponse.WriteJsonAsync(context, View(config), OpsJsonContext.Default.AutopilotConfigurationView).ConfigureAwait(false);
    }

    private static async Task PutConfigurationAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Write);
        var query = context.Request.Query;
        long? cas = null;
        if (query.TryGetValue("cas", out var casValues))
        {
            cas = ulong.TryParse(casValues.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= long.MaxValue
                ? (long)parsed
                : throw ApiException.BadRequest($"Error parsing cas value: strconv.ParseUint: parsing \"{casValues}\": invalid syntax");
        }

        AutopilotConfigurationBody body;
        try
        {
            body = await RequestBody.ReadJsonAsync(context, OpsJsonContext.Default.AutopilotConfigurationBody).ConfigureAwait(false);
        }
        catch (ApiException invalid) when (invalid.StatusCode == StatusCodes.Status400BadRequest)
        {
            throw ApiException.BadRequest($"Error parsing autopilot config: {invalid.Message}");
        }

        if (body.MaxTrailingLogs < 0 || body.MinQuorum < 0)
        {
            throw ApiException.BadRequest("Error parsing autopilot config: MaxTrailingLogs and MinQuorum must not be negative");
        }

        var config = new AutopilotConfig
        {
            CleanupDeadServers = body.CleanupDeadServers,
            LastContactThresholdMilliseconds = Duration(body.LastContactThreshold, "LastContactThreshold"),
            MaxTrailingLogs = body.MaxTrailingLogs,
            MinQuorum = body.MinQuorum,
            ServerStabilizationTimeMilliseconds = Duration(body.ServerStabilizationTime, "ServerStabilizationTime"),
            RedundancyZoneTag = body.RedundancyZoneTag ?? string.Empty,
            DisableUpgradeMigration = body.DisableUpgradeMigration,
            UpgradeVersionTag = body.UpgradeVersionTag ?? string.Empty,
        };
        var command = new AutopilotSetConfigCommand { Config = config, Cas = cas is not null, ExpectedModifyIndex = cas ?? 0 };
        var token = Writes.AuthorizeCommand(context, server, command);
        var result = await server.Commands.SubmitAsync(command, token, context.RequestAborted).ConfigureAwait(false);
        switch (result.ErrorKind)
        {
            case ApplyErrorKind.None:
                await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
                return;
            case ApplyErrorKind.CasConflict:
                await ApiResponse.WriteJsonAsync(context, false, ApiJsonContext.Default.Boolean).ConfigureAwait(false);
                return;
            case ApplyErrorKind.PermissionDenied:
                throw ApiException.Forbidden(result.Error!);
            default:
                throw ApiException.BadRequest(result.Error!);
        }
    }

    private static Task StateAsync(HttpContext context, ServerRuntime server)
    {
        Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        var cluster = OperatorEndpoints.Cluster(server);
        var servers = cluster.Servers;
        var leader = servers.FirstOrDefault(s => s.Leader);
        var view = new AutopilotStateView
        {
            Healthy = cluster.Healthy,
            FailureTolerance = cluster.FailureTolerance,
            OptimisticFailureTolerance = Math.Max(0, servers.Count(s => s.Alive) - ((servers.Count / 2) + 1)),
            Leader = leader?.Id ?? string.Empty,
            Voters = [.. servers.Where(s => s.Voter).Select(s => s.Id)],
            Servers = servers.ToDictionary(s => s.Id, s => new AutopilotStateServerView
            {
                Id = s.Id,
                Name = s.Name,
                Address = s.Address,
                NodeStatus = s.Alive ? "alive" : "failed",
                Version = s.Version,
                LastContact = s.LastContact == TimeSpan.MaxValue ? "0s" : GoDuration.Format(s.LastContact),
                LastTerm = s.LastTerm,
                LastIndex = s.LastIndex,
                Healthy = s.Healthy,
                StableSince = s.StableSince,
                Status = s.Leader ? "leader" : s.Voter ? "voter" : "non-voter",
                NodeType = "voter",
            }, StringComparer.Ordinal),
        };
        return ApiResponse.WriteJsonAsync(context, view, OpsJsonContext.Default.AutopilotStateView);
    }

    /// <summary>
    /// Without <c>?id</c> the leader gives leadership to whichever server wins the election; with it, until the named
    /// server leads (a few rounds at most: DotNext offers resignation, not a targeted transfer). One call answers once
    /// the outcome is known, even when it was forwarded to a leader that lost leadership mid-call.
    /// </summary>
    private static async Task TransferLeaderAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Write);
        var cluster = OperatorEndpoints.Cluster(server);
        var servers = cluster.Servers;
        var id = context.Request.Query["id"].ToString();
        ServerMember? target = null;
        if (id.Length > 0)
        {
            target = servers.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))
                ?? throw ApiException.BadRequest($"Failed to transfer Leader: id \"{id}\" was not found in the Raft configuration");
            if (target.Leader)
            {
                throw ApiException.BadRequest("Failed to transfer Leader: cannot transfer leadership to itself");
            }
        }

        if (servers.Count < 2)
        {
            throw ApiException.BadRequest("Failed to transfer Leader: cannot find peer: this is the only server");
        }

        try
        {
            await cluster.TransferLeadershipAsync(target?.Address, context.RequestAborted).ConfigureAwait(false);
        }
        catch (LeadershipTransferException refused)
        {
            throw new ApiException(503, $"Failed to transfer Leader: {refused.Message}");
        }

        await ApiResponse.WriteJsonAsync(context, new TransferLeaderView(true), OpsJsonContext.Default.TransferLeaderView).ConfigureAwait(false);
    }

    private static async Task UsageAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        await BlockingQuery.ReadBarrierAsync(server, options.Consistency, context.RequestAborted).ConfigureAwait(false);
        var state = server.Fsm.Current;
        var services = state.Services.Values.ToList();
        var connect = new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            ["api-gateway"] = services.Count(s => s.Kind == ServiceKind.ApiGateway),
            ["connect-native"] = services.Count(s => s.Kind == ServiceKind.Typical && s.Connect.Native),
            ["connect-proxy"] = services.Count(s => s.Kind == ServiceKind.ConnectProxy),
            ["ingress-gateway"] = services.Count(s => s.Kind == ServiceKind.IngressGateway),
            ["mesh-gateway"] = services.Count(s => s.Kind == ServiceKind.MeshGateway),
            ["terminating-gateway"] = services.Count(s => s.Kind == ServiceKind.TerminatingGateway),
        };

        // Billable: typical instances other than the servers' own "consul" service (proxies and gateways are not).
        var usage = new ServiceUsageView
        {
            Services = services.Select(s => s.Service).Distinct(StringComparer.Ordinal).Count(),
            ServiceInstances = services.Count,
            ConnectServiceInstances = connect,
            BillableServiceInstances = services.Count(s => s.Kind == ServiceKind.Typical && s.Service != "consul"),
            Nodes = state.Nodes.Count,
        };
        var index = state.MaxIndex([WatchKeys.Services, WatchKeys.Nodes]);
        BlockingQuery.WriteMeta(context, server, options, index);
        var view = new OperatorUsageView
        {
            Usage = new Dictionary<string, ServiceUsageView>(StringComparer.Ordinal) { [server.Self.Datacenter] = usage },
            Index = Math.Max(1, index),
            LastContact = (long)server.Raft.LastContact.TotalMilliseconds,
            KnownLeader = server.Raft.Leader is not null,
            ConsistencyLevel = options.Consistency switch { Http.ConsistencyMode.Stale => "stale", Http.ConsistencyMode.Consistent => "consistent", _ => "leader" },
        };
        await ApiResponse.WriteJsonAsync(context, view, OpsJsonContext.Default.OperatorUsageView).ConfigureAwait(false);
    }

    private static AutopilotConfigurationView View(AutopilotConfig config) => new()
    {
        CleanupDeadServers = config.CleanupDeadServers,
        LastContactThreshold = GoDuration.Format(TimeSpan.FromMilliseconds(config.LastContactThresholdMilliseconds)),
        MaxTrailingLogs = config.MaxTrailingLogs,
        MinQuorum = config.MinQuorum,
        ServerStabilizationTime = GoDuration.Format(TimeSpan.FromMilliseconds(config.ServerStabilizationTimeMilliseconds)),
        RedundancyZoneTag = config.RedundancyZoneTag,
        DisableUpgradeMigration = config.DisableUpgradeMigration,
        UpgradeVersionTag = config.UpgradeVersionTag,
        CreateIndex = config.CreateIndex,
        ModifyIndex = config.ModifyIndex,
    };

    /// <summary>A Go duration string, or a number of nanoseconds (Consul's duration fixer); absent is zero.</summary>
    private static long Duration(JsonElement? value, string field)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var nanoseconds) && nanoseconds >= 0)
        {
            return nanoseconds / 1_000_000;
        }

        if (element.ValueKind == JsonValueKind.String && GoDuration.TryParse(element.GetString(), out var duration) && duration >= TimeSpan.Zero)
        {
            return (long)duration.TotalMilliseconds;
        }

        throw ApiException.BadRequest($"Error parsing autopilot config: {field}: invalid duration {element.GetRawText()}");
    }
}
