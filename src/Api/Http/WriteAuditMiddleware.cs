using Mesh.Server;
using Mesh.Server.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Http;

/// <summary>
/// One audit line (category <c>Mesh.Audit</c>) for every write request the API routed (PUT, POST, PATCH, DELETE):
/// who (the token's accessor ID, or "anonymous"; never the secret), what (method and path, without the query string,
/// which may carry <c>?token=</c>), the Raft index the write reached (0 when it reached none) and the status code.
/// ACL changes, CA configuration changes and snapshot restores are named as such.
/// </summary>
public sealed partial class WriteAuditMiddleware(RequestDelegate next, ILoggerFactory loggers, ServerRuntime server)
{
    public const string Category = "Mesh.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || context.GetEndpoint() is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var scope = WriteAuditScope.Begin();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var path = $"{context.Request.PathBase}{context.Request.Path}";
            var index = scope.Index > 0 ? scope.Index
                : long.TryParse(context.Response.Headers["X-Consul-Index"].ToString(), System.Globalization.CultureInfo.InvariantCulture, out var header) ? header : 0;
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            Log.Write(_logger, Kind(method, path), Accessor(context), method, path, index, status);
        }
    }

    private string Accessor(HttpContext context)
    {
        var token = HttpRequestToken.From(context.Request);
        if (token.IsAnonymous)
        {
            return "anonymous";
        }

        return server.Fsm.Current.FindAclTokenBySecret(token.SecretId)?.AccessorId ?? "unknown-token";
    }

    private static string Kind(string method, string path)
        => path.StartsWith("/v1/acl/", StringComparison.Ordinal) ? "acl"
            : path.StartsWith("/v1/connect/ca/configuration", StringComparison.Ordinal) ? "ca-config"
            : path.StartsWith("/v1/snapshot", StringComparison.Ordinal) && HttpMethods.IsPut(method) ? "snapshot-restore"
            : "write";

    private static partial class Log
    {
        [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "audit: {Kind} by {Accessor}: {Method} {Path} -> {Status}, index {Index}")]
        public static partial void Write(ILogger logger, string kind, string accessor, string method, string path, long index, int status);
    }
}
