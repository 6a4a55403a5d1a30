using System.Text.Json;
using Mesh.Raft;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Http;

/// <summary>
/// Turns failures into Consul-style plain-text errors: <see cref="ApiException"/> keeps its status, a lost or missing
/// leader is a 503 that says so (retry-safe), Kestrel's own request errors keep theirs, and anything else is logged
/// and answered with a 500.
/// </summary>
public sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            var (status, message) = error switch
            {
                ApiException api => (api.StatusCode, api.Message),
                NoLeaderException noLeader => (StatusCodes.Status503ServiceUnavailable, noLeader.Message),
                NotLeaderException => (StatusCodes.Status503ServiceUnavailable, "No cluster leader reachable from this server"),
                BadHttpRequestException bad => (bad.StatusCode, bad.Message),
                JsonException json => (StatusCodes.Status400BadRequest, $"Request decode failed: {json.Message}"),
                _ => (StatusCodes.Status500InternalServerError, error.Message),
            };
            if (status >= 500)
            {
                var request = context.Request;
                Log.RequestFailed(logger, status, request.Method, $"{request.PathBase}{request.Path}{RedactedQuery(request)}", request.Protocol, error);
            }

            context.Response.Clear();
            await ApiResponse.WriteTextAsync(context, status, message).ConfigureAwait(false);
        }
    }

    /// <summary>The query string with an ACL <c>?token=</c> value hidden, as Consul's request logging does.</summary>
    private static string RedactedQuery(HttpRequest request)
    {
        if (!request.Query.ContainsKey("token"))
        {
            return request.QueryString.ToString();
        }

        var parts = request.Query.Select(pair => pair.Key == "token" ? "token=<hidden>" : $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value.ToString())}");
        return "?" + string.Join('&', parts);
    }

    private static partial class Log
    {
        /// <summary>A 5xx other than a lost leader: a bug, logged with the whole request line so it can be replayed.</summary>
        [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Request failed with {Status}: {Method} {Target} {Protocol}")]
        public static partial void RequestFailed(ILogger logger, int status, string method, string target, string protocol, Exception error);
    }
}
