using System.Text.Json.Serialization;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;

namespace Mesh.Api.Intentions;

/// <summary>
/// <c>PUT /v1/connect/intentions/exact</c> body (Consul decodes it as an <c>Intention</c>; the source and destination
/// come from the query). Other Intention fields are accepted and ignored, as Consul's decoder does.
/// </summary>
public sealed record IntentionPutBody
{
    public string? SourceType { get; init; }

    public string? Action { get; init; }

    public List<IntentionPermissionRule>? Permissions { get; init; }

    public string? Description { get; init; }

    public Dictionary<string, string>? Meta { get; init; }
}

/// <summary><c>GET /v1/connect/intentions/check</c> response.</summary>
public sealed record IntentionCheckResult(bool Allowed);

/// <summary><c>POST /v1/agent/connect/authorize</c> body (Consul's <c>ConnectAuthorizeRequest</c>).</summary>
public sealed record AuthorizeRequestBody
{
    public string? Target { get; init; }

    [JsonPropertyName("ClientCertURI")]
    public string? ClientCertUri { get; init; }

    public string? ClientCertSerial { get; init; }

    public string? Namespace { get; init; }

    public string? Partition { get; init; }
}

/// <summary><c>POST /v1/agent/connect/authorize</c> response.</summary>
public sealed record AuthorizeResult(bool Authorized, string Reason);

/// <summary>
/// The legacy <c>POST /v1/connect/intentions</c> and <c>PUT /v1/connect/intentions/:id</c> body (Consul's
/// <c>api.Intention</c>); read-only fields (indexes, precedence, hash) are accepted and ignored.
/// </summary>
public sealed record IntentionBody
{
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    public string? Description { get; init; }

    [JsonPropertyName("SourceNS")]
    public string? SourceNs { get; init; }

    public string? SourceName { get; init; }

    [JsonPropertyName("DestinationNS")]
    public string? DestinationNs { get; init; }

    public string? DestinationName { get; init; }

    public string? SourcePeer { get; init; }

    public string? SourceType { get; init; }

    public string? Action { get; init; }

    public List<IntentionPermissionRule>? Permissions { get; init; }

    public SortedDictionary<string, string>? Meta { get; init; }
}

/// <summary>The create and update responses: <c>{"ID": "..."}</c>.</summary>
public sealed record IntentionIdResult([property: JsonPropertyName("ID")] string Id);
