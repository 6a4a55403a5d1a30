using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Config.Durations;
using Mesh.Fsm.Model;

namespace Mesh.Api.Translation;

/// <summary>Turns catalog or agent check bodies into store rows, with Consul's validation and defaults.</summary>
public static class CheckTranslation
{
    /// <summary>A check from <c>/v1/catalog/register</c>: stored as given, run by nobody (an externally managed check).</summary>
    public static HealthCheck FromCatalog(CheckBody body, string node)
    {
        RequireObject(body);
        var id = FirstNonEmpty(body.CheckId, body.Id, body.Name)
            ?? throw ApiException.BadRequest("Every check needs a CheckID or a Name");
        var definition = body.Definition is { } d ? ToDefinition(d) : ToDefinition(body);
        return new HealthCheck
        {
            Node = node,
            CheckId = id,
            Name = body.Name ?? id,
            Status = Status(body.Status, HealthStatus.Critical),
            Notes = body.Notes ?? string.Empty,
            Output = body.Output ?? string.Empty,
            ServiceId = body.ServiceId ?? string.Empty,
            Type = body.Type ?? TypeOf(definition),
            Interval = definition.Interval,
            Timeout = definition.Timeout,
            Definition = definition,
        };
    }

    /// <summary>A check from the agent API (<c>structs.CheckType</c>): its kind is decided by which field is set.</summary>
    public static HealthCheck FromAgent(CheckBody body, string node, string defaultId, string defaultName, string serviceId)
    {
        RequireObject(body);
        var definition = ToDefinition(body) with { ScriptArgs = ScriptArgs(body) };
        var type = TypeOf(definition);
        if (type.Length == 0)
        {
            throw ApiException.BadRequest("Invalid check: one of Args, TTL, HTTP, TCP, GRPC or AliasService must be set");
        }

        if (type is "http" or "tcp" or "grpc" or "script" && definition.Interval.Length == 0)
        {
            throw ApiException.BadRequest(type == "script" ? "Invalid check: a script check needs an Interval" : $"Invalid check: an {type.ToUpperInvariant()} check needs an Interval");
        }

        var id = FirstNonEmpty(body.CheckId, body.Id) ?? defaultId;
        return new HealthCheck
        {
            Node = node,
            CheckId = id,
            Name = FirstNonEmpty(body.Name) ?? defaultName,
            Status = Status(body.Status, HealthStatus.Critical),
            Notes = body.Notes ?? string.Empty,
            Output = body.Output ?? string.Empty,
            ServiceId = serviceId.Length > 0 ? serviceId : body.ServiceId ?? string.Empty,
            Type = type,
            Interval = definition.Interval,
            Timeout = definition.Timeout,
            Definition = definition,
        };
    }

    public static string Status(string? status, string fallback)
    {
        if (string.IsNullOrEmpty(status))
        {
            return fallback;
        }

        return HealthStatus.IsValid(status)
            ? status
            : throw ApiException.BadRequest($"Unknown check status \"{status}\": must be passing, warning, critical or maintenance");
    }

    private static CheckDefinition ToDefinition(CheckDefinitionBody d) => Build(
        d.HTTP, d.Method, d.Header, d.Body, d.TLSSkipVerify, d.TCP, d.GRPC, d.GRPCUseTLS,
        d.TTL, d.Interval, d.Timeout, d.DeregisterCriticalServiceAfter, d.AliasNode, d.AliasService);

    private static CheckDefinition Build(
        string? http, string? method, Dictionary<string, List<string>>? header, string? body, bool tlsSkipVerify,
        string? tcp, string? grpc, bool grpcUseTls, string? ttl, string? interval, string? timeout,
        string? deregisterAfter, string? aliasNode, string? aliasService)
    {
        if (!string.IsNullOrEmpty(http) && !Uri.TryCreate(http, UriKind.Absolute, out _))
        {
            throw ApiException.BadRequest($"Invalid HTTP check URL \"{http}\"");
        }

        return new CheckDefinition
        {
            HTTP = http ?? string.Empty,
            Method = method ?? string.Empty,
            Header = (header ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value ?? throw ApiException.BadRequest($"Header \"{p.Key}\" must be a list of strings, not null")]),
            Body = body ?? string.Empty,
            TLSSkipVerify = tlsSkipVerify,
            TCP = tcp ?? string.Empty,
            GRPC = grpc ?? string.Empty,
            GRPCUseTLS = grpcUseTls,
            TTL = Duration(ttl, "TTL"),
            Interval = Duration(interval, "Interval"),
            Timeout = Duration(timeout, "Timeout"),
            DeregisterCriticalServiceAfter = Duration(deregisterAfter, "DeregisterCriticalServiceAfter"),
            AliasNode = aliasNode ?? string.Empty,
            AliasService = aliasService ?? string.Empty,
        };
    }

    /// <summary>Validates a Go duration and returns it in Go's canonical spelling.</summary>
    private static string Duration(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!GoDuration.TryParse(text, out var value) || value < TimeSpan.Zero)
        {
            throw ApiException.BadRequest($"Invalid {field} \"{text}\": expected a duration such as 10s, 1m or 500ms");
        }

        return GoDuration.Format(value);
    }

    /// <summary>
    /// A script check's command: <c>ScriptArgs</c> or <c>Args</c>. Docker checks (<c>DockerContainerID</c>, run through
    /// <c>Shell</c> inside the container) need a Docker runtime this agent does not have, so they are refused.
    /// </summary>
    private static List<string> ScriptArgs(CheckBody body)
    {
        if (!string.IsNullOrEmpty(body.DockerContainerId))
        {
            throw ApiException.BadRequest("Invalid check: Docker checks (DockerContainerID) are not supported by this agent; use a script check with Args");
        }

        if (!string.IsNullOrEmpty(body.Shell))
        {
            throw ApiException.BadRequest("Invalid check: Shell is only used by Docker checks (with DockerContainerID); a script check runs Args without a shell");
        }

        var args = body.ScriptArgs is { Count: > 0 } scriptArgs ? scriptArgs : body.Args ?? [];
        if (args.Count > 0 && (args.Any(a => a is null) || string.IsNullOrWhiteSpace(args[0])))
        {
            throw ApiException.BadRequest("Invalid check: Args must be a list of strings whose first entry names the program to run");
        }

        return args;
    }

    private static string TypeOf(CheckDefinition d)
        => d.ScriptArgs.Count > 0 ? "script"
            : d.TTL.Length > 0 ? "ttl"
            : d.HTTP.Length > 0 ? "http"
            : d.TCP.Length > 0 ? "tcp"
            : d.GRPC.Length > 0 ? "grpc"
            : d.AliasService.Length > 0 || d.AliasNode.Length > 0 ? "alias"
            : string.Empty;

    /// <summary>A <c>null</c> entry in a Checks list binds as a null body; it is bad input, not a server error.</summary>
    private static void RequireObject(CheckBody? body)
    {
        if (body is null)
        {
            throw ApiException.BadRequest("Invalid check: each check must be a JSON object, not null");
        }
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
