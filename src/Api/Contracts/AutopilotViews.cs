using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Api.Contracts;

/// <summary><c>/v1/operator/autopilot/configuration</c> (Consul's <c>api.AutopilotConfiguration</c>; durations as Go strings).</summary>
public sealed record AutopilotConfigurationView
{
    public bool CleanupDeadServers { get; init; }

    public string LastContactThreshold { get; init; } = "0s";

    public long MaxTrailingLogs { get; init; }

    public int MinQuorum { get; init; }

    public string ServerStabilizationTime { get; init; } = "0s";

    public string RedundancyZoneTag { get; init; } = string.Empty;

    public bool DisableUpgradeMigration { get; init; }

    public string UpgradeVersionTag { get; init; } = string.Empty;

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary>The PUT body: missing fields are zero, as Go decodes them; durations are Go strings or nanoseconds.</summary>
public sealed record AutopilotConfigurationBody
{
    public bool CleanupDeadServers { get; init; }

    public JsonElement? LastContactThreshold { get; init; }

    public long MaxTrailingLogs { get; init; }

    public int MinQuorum { get; init; }

    public JsonElement? ServerStabilizationTime { get; init; }

    public string? RedundancyZoneTag { get; init; }

    public bool DisableUpgradeMigration { get; init; }

    public string? UpgradeVersionTag { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary><c>/v1/operator/autopilot/state</c> (Consul's <c>api.AutopilotState</c>).</summary>
public sealed record AutopilotStateView
{
    public bool Healthy { get; init; }

    public int FailureTolerance { get; init; }

    public int OptimisticFailureTolerance { get; init; }

    public IReadOnlyDictionary<string, AutopilotStateServerView> Servers { get; init; } = new Dictionary<string, AutopilotStateServerView>();

    public string Leader { get; init; } = string.Empty;

    public IReadOnlyList<string> Voters { get; init; } = [];
}

/// <summary>One server of <see cref="AutopilotStateView"/> (Consul's <c>api.AutopilotServer</c>).</summary>
public sealed record AutopilotStateServerView
{
    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public string Address { get; init; } = string.Empty;

    public string NodeStatus { get; init; } = string.Empty;

    public string Version { get; init; } = string.Empty;

    public string LastContact { get; init; } = "0s";

    public long LastTerm { get; init; }

    public long LastIndex { get; init; }

    public bool Healthy { get; init; }

    public DateTimeOffset StableSince { get; init; }

    public string Status { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public string NodeType { get; init; } = "voter";
}

/// <summary><c>POST /v1/operator/raft/transfer-leader</c> (Consul's <c>api.TransferLeaderResponse</c>).</summary>
public sealed record TransferLeaderView(bool Success);

/// <summary><c>/v1/operator/usage</c> (Consul's <c>structs.Usage</c> with the query meta in the body, as Consul answers).</summary>
public sealed record OperatorUsageView
{
    public IReadOnlyDictionary<string, ServiceUsageView> Usage { get; init; } = new Dictionary<string, ServiceUsageView>();

    public long Index { get; init; }

    public long LastContact { get; init; }

    public bool KnownLeader { get; init; }

    public string ConsistencyLevel { get; init; } = "leader";

    public bool NotModified { get; init; }

    public int Backend { get; init; }

    public bool ResultsFilteredByACLs { get; init; }
}

/// <summary>One datacenter's counts.</summary>
public sealed record ServiceUsageView
{
    public int Services { get; init; }

    public int ServiceInstances { get; init; }

    public IReadOnlyDictionary<string, int> ConnectServiceInstances { get; init; } = new Dictionary<string, int>();

    public int BillableServiceInstances { get; init; }

    public int Nodes { get; init; }
}
