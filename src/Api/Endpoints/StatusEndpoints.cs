using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Server;
using Mesh.Server.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/status/leader</c> and <c>/v1/status/peers</c>: Raft addresses as <c>"ip:port"</c> strings.</summary>
public static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/status/leader", context => ApiResponse.WriteJsonAsync(
            context, server.Raft.Leader is { } leader ? ServerAddress.Format(leader) : string.Empty, ApiJsonContext.Default.String));
        app.MapGet("/v1/status/peers", context => ApiResponse.WriteJsonAsync(
            context, [.. server.Raft.Members.Select(ServerAddress.Format).Order(StringComparer.Ordinal)], ApiJsonContext.Default.StringArray));
    }
}
