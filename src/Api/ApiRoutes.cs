using Mesh.Api.Endpoints;
using Mesh.Api.Http;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api;

/// <summary>Wires the Consul-compatible HTTP API onto an ASP.NET Core application.</summary>
public static class ApiRoutes
{
    public static void UseMeshApi(this WebApplication app, ServerRuntime server)
    {
        // One label per route pattern for this application (a bounded set: the mapped routes), not one per request.
        var pathLabels = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        app.Use(async (context, next) =>
        {
            // consul.api.http: every request, timed per method and route (its parameters replaced by "_").
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern }
                    && context.RequestServices.GetService(typeof(Mesh.Server.Metrics.ServerMetrics)) is Mesh.Server.Metrics.ServerMetrics { Instruments: { } instruments })
                {
                    var path = pathLabels.GetOrAdd(pattern, Mesh.Server.Metrics.ServerInstruments.PathLabel);
                    instruments.RecordHttp(context.Request.Method, path, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                }
            }
        });
        app.UseMiddleware<WriteAuditMiddleware>(server);
        app.UseMiddleware<ApiErrorMiddleware>();
        app.Use((context, next) =>
        {
            var token = HttpRequestToken.From(context.Request);
            context.Features.Set(token);

            // Routing has run: no endpoint means an unknown path (a known path with the wrong method gets a 405 endpoint).
            if (context.GetEndpoint() is null)
            {
                return ApiResponse.WriteTextAsync(context, StatusCodes.Status404NotFound, $"Invalid URL path: no endpoint for {context.Request.Method} {context.Request.Path}");
            }

            // An unknown or expired secret is refused everywhere a token is resolved (Consul: 403 "ACL not found").
            // A read forwarded to another datacenter carries its token there: that datacenter resolves it (no replication).
            if (server.Access.Enabled && !TokenFreePaths.Contains(context.Request.Path.Value ?? string.Empty)
                && !(HttpMethods.IsGet(context.Request.Method) && DatacenterForwarding.IsKnownRemote(context, server))
                && server.Access.Authenticate(token) is { } unknown)
            {
                return ApiResponse.WriteTextAsync(context, StatusCodes.Status403Forbidden, unknown);
            }

            // Writes are not forwarded to other datacenters: one aimed elsewhere is refused, not silently applied here.
            var datacenter = QueryOptions.DatacenterOf(context.Request);
            return !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !server.Self.IsLocalDatacenter(datacenter)
                ? ApiResponse.WriteTextAsync(context, StatusCodes.Status400BadRequest, $"No path to datacenter \"{datacenter}\": this cluster serves only \"{server.Self.Datacenter}\"")
                : next(context);
        });
        Map(app, server);
    }

    /// <summary>Endpoints Consul serves without resolving the token (no ACL rule applies to them).</summary>
    private static readonly HashSet<string> TokenFreePaths = new(StringComparer.Ordinal)
    {
        "/v1/status/leader", "/v1/status/peers", "/v1/agent/version", "/v1/catalog/datacenters", "/v1/connect/ca/roots", "/v1/agent/connect/ca/roots",

        // Bootstrap needs no token: whatever a client sends is ignored, as Consul ignores it.
        "/v1/acl/bootstrap",
    };

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        CatalogEndpoints.Map(app, server);
        HealthEndpoints.Map(app, server);
        GatewayEndpoints.Map(app, server);
        AgentEndpoints.Map(app, server);
        AgentMembershipEndpoints.Map(app, server);
        AgentTokenEndpoint.Map(app, server);
        AgentHealthEndpoints.Map(app, server);
        MaintenanceEndpoints.Map(app, server);
        StatusEndpoints.Map(app, server);
        OperatorEndpoints.Map(app, server);
        AutopilotEndpoints.Map(app, server);
        SnapshotEndpoints.Map(app, server);
        InternalEndpoints.Map(app, server);
        UiServicesEndpoint.Map(app, server);
        UiTopologyEndpoint.Map(app, server);
        ConfigEndpoints.Map(app, server);
        DiscoveryChainEndpoints.Map(app, server);
        IntentionEndpoints.Map(app, server);
        IntentionIdEndpoints.Map(app, server);
        AuthorizeEndpoint.Map(app, server);
        CaEndpoints.Map(app, server);
        LeafEndpoints.Map(app, server);
        AclTokenEndpoints.Map(app, server);
        AclPolicyEndpoints.Map(app, server);
        MapMethodNotAllowed(app);
    }

    /// <summary>A known path with the wrong method gets Consul's 405 with an <c>Allow</c> header and a message.</summary>
    private static void MapMethodNotAllowed(IEndpointRouteBuilder app)
    {
        string[] all = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"];
        var routes = app.DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .GroupBy(endpoint => endpoint.RoutePattern.RawText ?? string.Empty)
            .Select(group => (Pattern: group.Key, Methods: group.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).ToHashSet(StringComparer.Ordinal)))
            .ToList();
        foreach (var (pattern, methods) in routes)
        {
            var allow = string.Join(", ", methods.Order(StringComparer.Ordinal));
            var others = all.Where(method => !methods.Contains(method)).ToArray();
            if (pattern.Length == 0 || others.Length == 0)
            {
                continue;
            }

            app.MapMethods(pattern, others, context =>
            {
                context.Response.Headers.Allow = allow;
                return ApiResponse.WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed, $"method {context.Request.Method} not allowed");
            });
        }
    }
}
