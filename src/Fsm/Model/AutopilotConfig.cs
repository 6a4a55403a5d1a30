using MessagePack;

namespace Mesh.Fsm.Model;

/// <summary>
/// The cluster's autopilot configuration (Consul's <c>structs.AutopilotConfig</c>), replicated through Raft so every
/// server, and every future leader, applies the same dead-server cleanup rules. Durations are milliseconds.
/// </summary>
[MessagePackObject]
public sealed record AutopilotConfig
{
    [Key(0)]
    public bool CleanupDeadServers { get; init; } = true;

    [Key(1)]
    public long LastContactThresholdMilliseconds { get; init; } = 200;

    [Key(2)]
    public long MaxTrailingLogs { get; init; } = 250;

    [Key(3)]
    public int MinQuorum { get; init; }

    [Key(4)]
    public long ServerStabilizationTimeMilliseconds { get; init; } = 10_000;

    [Key(5)]
    public string RedundancyZoneTag { get; init; } = string.Empty;

    [Key(6)]
    public bool DisableUpgradeMigration { get; init; }

    [Key(7)]
    public string UpgradeVersionTag { get; init; } = string.Empty;

    [Key(8)]
    public long CreateIndex { get; init; }

    [Key(9)]
    public long ModifyIndex { get; init; }
}
