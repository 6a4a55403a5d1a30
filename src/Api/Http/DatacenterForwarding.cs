using System.Globalization;
using Mesh.Server;
using Mesh.Server.Federation;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// <c>?dc=</c> naming another datacenter on a read: the query (its <c>index</c>/<c>wait</c> and the request's token) is
/// forwarded to a server of that datacenter (<see cref="WanFederation"/>), which checks the token with its own ACLs
/// and answers with its rows and its <c>X-Consul-Index</c>. An unknown datacenter is a 400 "No path to datacenter".
/// </summary>
public static class DatacenterForwarding
{
    /// <summary>The other datacenter a GET names, or null for the local one.</summary>
    public static string? RemoteDatacenter(HttpContext context, ServerRuntime server)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(server);
        var datacenter = QueryOptions.DatacenterOf(context.Request);
        return server.Self.IsLocalDatacenter(datacenter) ? null : datacenter;
    }

    /// <summary>True when the request names another datacenter this server knows (its token is then that datacenter's to check).</summary>
    public static bool IsKnownRemote(HttpContext context, ServerRuntime server)
        => RemoteDatacenter(context, server) is { } datacenter && server.Wan?.Value.Knows(datacenter) == true;

    /// <summary>The health rows of <paramref name="service"/> in <paramref name="datacenter"/>; writes the index headers.</summary>
    public static async Task<IReadOnlyList<HealthRow>> HealthAsync(HttpContext context, ServerRuntime server, string datacenter, string service, bool connect)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(server);
        var options = QueryOptions.Parse(context.Request);
        if (server.Wan?.Value is not { } wan || !wan.Knows(datacenter))
        {
            throw NoPath(datacenter, server);
        }

        DatacenterHealth answer;
        try
        {
            answer = await wan.QueryAsync(
                new DatacenterHealthQuery
                {
                    Datacenter = datacenter,
                    Service = service,
                    Connect = connect,
                    MinIndex = options.MinIndex,
                    Wait = options.Wait,
                    Token = HttpRequestToken.Of(context).SecretId,
                },
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (NoPathToDatacenterException)
        {
            throw NoPath(datacenter, server);
        }
        catch (DatacenterQueryException refused) when (refused.PermissionDenied)
        {
            throw ApiException.Forbidden(refused.Message);
        }
        catch (DatacenterQueryException failed)
        {
            throw new ApiException(StatusCodes.Status502BadGateway, $"Datacenter \"{datacenter}\" did not answer: {failed.Message}");
        }

        var headers = context.Response.Headers;
        headers["X-Consul-Index"] = Math.Max(1, answer.Index).ToString(CultureInfo.InvariantCulture);
        headers["X-Consul-KnownLeader"] = "true";
        headers["X-Consul-LastContact"] = "0";
        headers["X-Consul-Effective-Consistency"] = "leader";
        return answer.Rows;
    }

    private static ApiException NoPath(string datacenter, ServerRuntime server)
        => ApiException.BadRequest($"No path to datacenter \"{datacenter}\": known datacenters are {string.Join(", ", server.Wan?.Value.Datacenters() ?? [server.Self.Datacenter])}");
}
