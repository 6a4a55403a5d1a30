using Mesh.Api.Endpoints;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Server;
using Mesh.Server.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Api.Metrics;

/// <summary>
/// <c>GET /v1/agent/metrics</c>: Consul's JSON, or Prometheus text with <c>?format=prometheus</c>. Needs
/// <c>agent:read</c> on this server's node, as in Consul. The host registers its <see cref="ServerMetrics"/> as a service.
/// </summary>
internal static class MetricsEndpoint
{
    public static Task HandleAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Agent, server.Self.NodeName, AclAccess.Read);
        var format = context.Request.Query["format"].ToString();
        if (format.Length > 0 && format != "prometheus")
        {
            // Consul falls back to JSON for any other value; a 400 tells a mistyped scrape config apart from data.
            throw ApiException.BadRequest($"Invalid format \"{format}\": only \"prometheus\" is supported (or no format for JSON)");
        }

        var metrics = context.RequestServices.GetService<ServerMetrics>()
            ?? throw new InvalidOperationException("The host did not register ServerMetrics");
        var snapshot = metrics.Collect();
        if (format.Length == 0)
        {
            return ApiResponse.WriteRawJsonAsync(context, ConsulJsonMetricsWriter.Write(snapshot));
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = PrometheusMetricsWriter.ContentType;
        return context.Response.WriteAsync(PrometheusMetricsWriter.Write(snapshot), context.RequestAborted);
    }
}
