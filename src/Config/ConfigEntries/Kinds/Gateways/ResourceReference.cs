using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>ResourceReference</c>: a route's parent gateway or a listener's certificate, by kind and name.</summary>
public sealed record ResourceReference
{
    public string? Kind { get; init; }

    public string? Name { get; init; }

    public string? SectionName { get; init; }
}

/// <summary>
/// <c>Status</c> of a controlled entry (api-gateway, routes): the leader's gateway controller writes its conditions
/// (<see cref="GatewayStatusRules"/>). A user's write may carry one (Consul's read output can be written back); it is
/// stored empty and the controller fills it in.
/// </summary>
public sealed record ControlledStatus
{
    [OmitEmpty]
    public List<StatusCondition>? Conditions { get; init; }
}

/// <summary>One <c>Condition</c> of a controlled entry's status.</summary>
public sealed record StatusCondition
{
    public string? Type { get; init; }

    public string? Status { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ResourceReference? Resource { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastTransitionTime { get; init; }
}
