namespace Mesh.FaultTest.Faults;

/// <summary>A bounded fault run: which faults how often, with which seed, for at most how long.</summary>
public sealed record FaultRunOptions
{
    public const string DefaultPlan = "leader-kill=100,follower-kill=10,pause=15,partition=12,cluster-crash=5,removed-returns=3,wal-truncation=4,disk-full=3";

    public int Seed { get; init; } = 1;

    /// <summary>fault=count pairs; the rounds are shuffled with the seed.</summary>
    public string Plan { get; init; } = DefaultPlan;

    /// <summary>At most this many rounds (0: the whole plan).</summary>
    public int Rounds { get; init; }

    /// <summary>No new round starts after this; checks and cleanup follow.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);

    public int Servers { get; init; } = 3;

    /// <summary>auto (namespaces when root), netns or loopback.</summary>
    public string Network { get; init; } = "auto";

    public int SnapshotThreshold { get; init; } = 1024;

    public int Writers { get; init; } = 4;

    public int Readers { get; init; } = 3;

    public int DurableWriters { get; init; } = 2;

    /// <summary>autopilot.dead_server_threshold for the servers (null: the product's default, 30 s).</summary>
    public TimeSpan? DeadServerThreshold { get; init; }

    public required string MeshDll { get; init; }

    public bool KeepData { get; init; }
}
