using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Api.Acl;

/// <summary>
/// <c>structs.ACLToken</c> as Consul's HTTP API returns it, for single reads, writes and list items alike (the list
/// stub has the same fields). Empty lists, <c>AuthMethod</c> and <c>ExpirationTime</c> are omitted as Go's
/// <c>omitempty</c> does; times are RFC 3339 in UTC.
/// </summary>
public sealed record AclTokenView
{
    [JsonPropertyName("AccessorID")]
    public required string AccessorId { get; init; }

    /// <summary>The real secret only for a caller with <c>acl:write</c>, else <c>&lt;hidden&gt;</c>.</summary>
    [JsonPropertyName("SecretID")]
    public required string SecretId { get; init; }

    public required string Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclLinkView>? Policies { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclLinkView>? Roles { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclServiceIdentityView>? ServiceIdentities { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclNodeIdentityView>? NodeIdentities { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclTemplatedPolicyView>? TemplatedPolicies { get; init; }

    public bool Local { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ExpirationTime { get; init; }

    public required string CreateTime { get; init; }

    public required string Hash { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary>
/// <c>GET /v1/acl/token/:id?expanded</c> (<c>ACLTokenExpanded</c>): what the token resolves to (its policies, those of
/// its roles and the synthetic policies of its identities and templates), then the token's own fields (Go puts an
/// embedded struct's fields where the embedding is, last).
/// </summary>
public sealed record AclTokenExpandedView
{
    public required IReadOnlyList<AclPolicyView> ExpandedPolicies { get; init; }

    public required IReadOnlyList<AclRoleView> ExpandedRoles { get; init; }

    [JsonPropertyName("NamespaceDefaultPolicyIDs")]
    public IReadOnlyList<string>? NamespaceDefaultPolicyIds { get; init; }

    [JsonPropertyName("NamespaceDefaultRoleIDs")]
    public IReadOnlyList<string>? NamespaceDefaultRoleIds { get; init; }

    [JsonPropertyName("AgentACLDefaultPolicy")]
    public required string AgentAclDefaultPolicy { get; init; }

    [JsonPropertyName("AgentACLDownPolicy")]
    public required string AgentAclDownPolicy { get; init; }

    public required string ResolvedByAgent { get; init; }

    [JsonPropertyName("AccessorID")]
    public required string AccessorId { get; init; }

    [JsonPropertyName("SecretID")]
    public required string SecretId { get; init; }

    public required string Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclLinkView>? Policies { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclLinkView>? Roles { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclServiceIdentityView>? ServiceIdentities { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclNodeIdentityView>? NodeIdentities { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclTemplatedPolicyView>? TemplatedPolicies { get; init; }

    public bool Local { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ExpirationTime { get; init; }

    public required string CreateTime { get; init; }

    public required string Hash { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary><c>ACLTokenPolicyLink</c> / <c>ACLTokenRoleLink</c>: both fields filled on output.</summary>
public sealed record AclLinkView
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public required string Name { get; init; }
}

public sealed record AclServiceIdentityView
{
    public required string ServiceName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Datacenters { get; init; }
}

public sealed record AclNodeIdentityView
{
    public required string NodeName { get; init; }

    public required string Datacenter { get; init; }
}

public sealed record AclTemplatedPolicyView
{
    public required string TemplateName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AclTemplateVariablesView? TemplateVariables { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Datacenters { get; init; }
}

public sealed record AclTemplateVariablesView
{
    public string? Name { get; init; }
}

/// <summary><c>structs.ACLPolicy</c>; <see cref="Rules"/> is left out of list items (<c>ACLPolicyListStub</c>).</summary>
public sealed record AclPolicyView
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Rules { get; init; }

    /// <summary>Null when unset, as Go's nil slice is.</summary>
    public IReadOnlyList<string>? Datacenters { get; init; }

    public required string Hash { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary><c>structs.ACLRole</c>.</summary>
public sealed record AclRoleView
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclLinkView>? Policies { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclServiceIdentityView>? ServiceIdentities { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclNodeIdentityView>? NodeIdentities { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AclTemplatedPolicyView>? TemplatedPolicies { get; init; }

    public required string Hash { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary><c>ACLTemplatedPolicyResponse</c>: a built-in template with its JSON schema and HCL text.</summary>
public sealed record AclTemplatedPolicyInfoView
{
    public required string TemplateName { get; init; }

    public required string Schema { get; init; }

    public required string Template { get; init; }
}

/// <summary>Request body of token create/update/clone. Links may name a policy or role by ID or by Name.</summary>
public sealed record AclTokenBody
{
    [JsonPropertyName("AccessorID")]
    public string? AccessorId { get; init; }

    [JsonPropertyName("SecretID")]
    public string? SecretId { get; init; }

    public string? Description { get; init; }

    public List<AclLinkBody>? Policies { get; init; }

    public List<AclLinkBody>? Roles { get; init; }

    public List<AclServiceIdentityBody>? ServiceIdentities { get; init; }

    public List<AclNodeIdentityBody>? NodeIdentities { get; init; }

    public List<AclTemplatedPolicyBody>? TemplatedPolicies { get; init; }

    public bool Local { get; init; }

    public string? AuthMethod { get; init; }

    public string? ExpirationTime { get; init; }

    /// <summary>A Go duration string (<c>"10m"</c>) or a number of nanoseconds, as Consul's decoder takes it.</summary>
    [JsonPropertyName("ExpirationTTL")]
    public JsonElement? ExpirationTtl { get; init; }
}

public sealed record AclLinkBody
{
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    public string? Name { get; init; }
}

public sealed record AclServiceIdentityBody
{
    public string? ServiceName { get; init; }

    public List<string>? Datacenters { get; init; }
}

public sealed record AclNodeIdentityBody
{
    public string? NodeName { get; init; }

    public string? Datacenter { get; init; }
}

public sealed record AclTemplatedPolicyBody
{
    public string? TemplateName { get; init; }

    public AclTemplateVariablesView? TemplateVariables { get; init; }

    public List<string>? Datacenters { get; init; }
}

public sealed record AclPolicyBody
{
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Rules { get; init; }

    public List<string>? Datacenters { get; init; }
}

public sealed record AclRoleBody
{
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public List<AclLinkBody>? Policies { get; init; }

    public List<AclServiceIdentityBody>? ServiceIdentities { get; init; }

    public List<AclNodeIdentityBody>? NodeIdentities { get; init; }

    public List<AclTemplatedPolicyBody>? TemplatedPolicies { get; init; }
}

/// <summary><c>PUT /v1/acl/bootstrap</c> may choose the secret (Consul 1.13+).</summary>
public sealed record AclBootstrapBody
{
    public string? BootstrapSecret { get; init; }
}

/// <summary><c>POST /v1/acl/templated-policy/preview/:name</c>.</summary>
public sealed record AclTemplatePreviewBody
{
    public string? Name { get; init; }
}

/// <summary>Source-generated JSON for the ACL endpoints, with the options of the other API contexts.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(AclTokenView))]
[JsonSerializable(typeof(AclTokenExpandedView))]
[JsonSerializable(typeof(IReadOnlyList<AclTokenView>))]
[JsonSerializable(typeof(AclPolicyView))]
[JsonSerializable(typeof(IReadOnlyList<AclPolicyView>))]
[JsonSerializable(typeof(AclRoleView))]
[JsonSerializable(typeof(IReadOnlyList<AclRoleView>))]
[JsonSerializable(typeof(AclTemplatedPolicyInfoView))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, AclTemplatedPolicyInfoView>))]
[JsonSerializable(typeof(AclTokenBody))]
[JsonSerializable(typeof(AclPolicyBody))]
[JsonSerializable(typeof(AclRoleBody))]
[JsonSerializable(typeof(AclBootstrapBody))]
[JsonSerializable(typeof(AclTemplatePreviewBody))]
public sealed partial class AclJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the endpoints use: quotes in rules written as <c>\"</c> rather than <c>\u0022</c>, so policy
    /// rules read as Consul prints them (the default encoder escapes every HTML-sensitive character).
    /// </summary>
    public static AclJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
