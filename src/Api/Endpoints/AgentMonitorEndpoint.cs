using System.Text;
using System.Text.Json;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Server;
using Mesh.Server.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>GET /v1/agent/monitor?loglevel=&amp;logjson</c> (<c>agent:read</c>): streams this server's log lines as they are
/// written, in hclog's text layout (<c>2006-01-02T15:04:05.000Z [INFO]  category: message</c>) or as JSON lines,
/// until the client goes away.
/// </summary>
internal static class AgentMonitorEndpoint
{
    public static async Task MonitorAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Agent, server.Self.NodeName, AclAccess.Read);
        var levelText = context.Request.Query["loglevel"].ToString();
        var level = levelText.Length == 0 ? LogLevel.Information : LevelOf(levelText) ?? throw ApiException.BadRequest($"Unknown log level: {levelText}");
        var asJson = QueryOptions.Flag(context.Request, "logjson");
        using var subscription = server.AgentHost.Logs.Subscribe(level);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asJson ? "application/json" : "text/plain; charset=utf-8";
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            while (await subscription.Lines.WaitToReadAsync(context.RequestAborted).ConfigureAwait(false))
            {
                while (subscription.Lines.TryRead(out var line))
                {
                    await response.Body.WriteAsync(Encoding.UTF8.GetBytes(asJson ? Json(line) : Text(line)), context.RequestAborted).ConfigureAwait(false);
                }

                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away: the stream ends
        }
    }

    /// <summary>hclog's level names (<c>trace</c>, <c>debug</c>, <c>info</c>, <c>warn</c>, <c>error</c>), with Consul's aliases.</summary>
    internal static LogLevel? LevelOf(string level) => level.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "err" or "error" => LogLevel.Error,
        _ => null,
    };

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private static string Text(LogLine line)
    {
        var text = $"{line.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} [{Name(line.Level)}]{new string(' ', 6 - Name(line.Level).Length)}{line.Category}: {line.Message}\n";
        return line.Exception is null ? text : text + line.Exception.Replace("\n", "\n  ", StringComparison.Ordinal) + "\n";
    }

    private static string Json(LogLine line)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("@level", Name(line.Level).ToLowerInvariant());
            json.WriteString("@message", line.Message);
            json.WriteString("@module", line.Category);
            json.WriteString("@timestamp", line.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture));
            if (line.Exception is not null)
            {
                json.WriteString("error", line.Exception);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
