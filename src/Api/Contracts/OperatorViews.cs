using System.Text.Json.Serialization;

namespace Mesh.Api.Contracts;

/// <summary><c>/v1/operator/raft/configuration</c> (<c>structs.RaftConfigurationResponse</c>).</summary>
public sealed record RaftConfigurationView(IReadOnlyList<RaftServerView> Servers, long Index);

public sealed record RaftServerView(
    [property: JsonPropertyName("ID")] string Id,
    string Node,
    string Address,
    bool Leader,
    string ProtocolVersion,
    bool Voter,
    long LastIndex);

/// <summary><c>/v1/operator/autopilot/health</c> (<c>api.OperatorHealthReply</c>).</summary>
public sealed record AutopilotHealthView(bool Healthy, int FailureTolerance, IReadOnlyList<AutopilotServerView> Servers);

public sealed record AutopilotServerView
{
    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public string Address { get; init; } = string.Empty;

    public string SerfStatus { get; init; } = string.Empty;

    public string Version { get; init; } = string.Empty;

    public bool Leader { get; init; }

    /// <summary>Go-style duration, as Consul's ReadableDuration marshals.</summary>
    public string LastContact { get; init; } = "0s";

    public long LastTerm { get; init; }

    public long LastIndex { get; init; }

    public bool Healthy { get; init; }

    public bool Voter { get; init; }

    public DateTimeOffset StableSince { get; init; }
}

/// <summary>One row of <c>/v1/agent/members</c> (<c>api.AgentMember</c>); Status 1 is alive, 4 failed.</summary>
public sealed record AgentMemberView(string Name, string Addr, int Port, IReadOnlyDictionary<string, string> Tags, int Status);

/// <summary><c>/v1/internal/mesh/state</c>: the store's applied index and digest, for comparing servers.</summary>
public sealed record StateDigestView(long AppliedIndex, string Digest, string ContentDigest, IReadOnlyDictionary<string, int> Tables, long CommitIndex, long Term, bool Leader);
