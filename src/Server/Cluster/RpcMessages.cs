using Mesh.Fsm.Commands;
using MessagePack;

namespace Mesh.Server.Cluster;

/// <summary>Server-to-server RPC requests, carried over the server port. Union tags are wire format: never renumber.</summary>
[Union(1, typeof(InfoRequest))]
[Union(2, typeof(JoinRequest))]
[Union(3, typeof(ApplyRequest))]
[Union(4, typeof(TtlHeartbeatRequest))]
[Union(5, typeof(RemovePeerRequest))]
[Union(6, typeof(SignLeafRequest))]
[Union(7, typeof(ReadIndexRequest))]
[Union(8, typeof(StepDownRequest))]
[Union(9, typeof(ElectionHoldRequest))]
[Union(10, typeof(ApplyBatchRequest))]
[Union(11, typeof(DatacenterHealthRequest))]
public abstract record RpcRequest;

/// <summary>Server-to-server RPC responses.</summary>
[Union(1, typeof(InfoResponse))]
[Union(2, typeof(AckResponse))]
[Union(3, typeof(ApplyResponse))]
[Union(4, typeof(SignLeafResponse))]
[Union(5, typeof(ReadIndexResponse))]
[Union(6, typeof(ApplyBatchResponse))]
[Union(7, typeof(DatacenterHealthResponse))]
public abstract record RpcResponse;

/// <summary>Who are you and what do you know (discovery for bootstrap-expect, health pings, leader lookup).</summary>
[MessagePackObject]
public sealed record InfoRequest : RpcRequest
{
    [Key(0)]
    public string FromAddress { get; init; } = string.Empty;
}

[MessagePackObject]
public sealed record InfoResponse : RpcResponse
{
    [Key(0)]
    public string NodeName { get; init; } = string.Empty;

    [Key(1)]
    public string NodeId { get; init; } = string.Empty;

    [Key(2)]
    public string Datacenter { get; init; } = string.Empty;

    [Key(3)]
    public string RaftAddress { get; init; } = string.Empty;

    [Key(4)]
    public int BootstrapExpect { get; init; }

    /// <summary>The server has Raft state (a log or a membership): it must never take part in a fresh bootstrap.</summary>
    [Key(5)]
    public bool HasState { get; init; }

    [Key(6)]
    public string Leader { get; init; } = string.Empty;

    [Key(7)]
    public long Term { get; init; }

    [Key(8)]
    public long LastIndex { get; init; }

    [Key(9)]
    public long AppliedIndex { get; init; }

    [Key(10)]
    public IReadOnlyList<string> Members { get; init; } = [];

    [Key(11)]
    public string Version { get; init; } = string.Empty;

    /// <summary>The WAN address the server advertises (<c>advertise_addr_wan</c>); empty from older servers.</summary>
    [Key(12)]
    public string WanAddress { get; init; } = string.Empty;

    /// <summary>
    /// The server decodes grouped log entries (<c>GroupCommand</c>, issue 18's group commit); false from older servers,
    /// which a leader must not send them to.
    /// </summary>
    [Key(13)]
    public bool ReadsGroupedEntries { get; init; }
}

/// <summary>Asks the leader to add the sender to the Raft configuration as a voter.</summary>
[MessagePackObject]
public sealed record JoinRequest : RpcRequest
{
    [Key(0)]
    public string RaftAddress { get; init; } = string.Empty;

    [Key(1)]
    public string NodeName { get; init; } = string.Empty;

    [Key(2)]
    public string Datacenter { get; init; } = string.Empty;
}

/// <summary>A write forwarded by a follower; the leader appends it and answers after it is applied.</summary>
[MessagePackObject]
public sealed record ApplyRequest : RpcRequest
{
    [Key(0)]
    public required Command Command { get; init; }

    [Key(1)]
    public string Token { get; init; } = string.Empty;

    /// <summary>A server's own write (<see cref="Access.RequestToken.Server"/>): applied without an ACL check.</summary>
    [Key(2)]
    public bool Internal { get; init; }
}

[MessagePackObject]
public sealed record ApplyResponse : RpcResponse, ILeaderAnswer
{
    [Key(0)]
    public long Index { get; init; }

    [Key(1)]
    public string? Error { get; init; }

    [Key(2)]
    public ApplyErrorKind ErrorKind { get; init; }

    /// <summary>Set when the receiver is not the leader (or lost leadership): the caller retries at <see cref="LeaderHint"/>.</summary>
    [Key(3)]
    public bool NotLeader { get; init; }

    [Key(4)]
    public string LeaderHint { get; init; } = string.Empty;

    /// <summary>
    /// The leader appended the command but lost leadership before it was committed: it may still be applied by the
    /// next leader, so the caller must not send it again (it answers "unknown outcome").
    /// </summary>
    [Key(5)]
    public bool OutcomeUnknown { get; init; }
}

/// <summary>
/// Several writes forwarded by a follower in one frame (the writes queued while its previous batch was in flight). The
/// leader checks each one's token, proposes them all (so they share its log appends and syncs) and answers each in
/// order in <see cref="ApplyBatchResponse.Results"/>.
/// </summary>
[MessagePackObject]
public sealed record ApplyBatchRequest : RpcRequest
{
    [Key(0)]
    public IReadOnlyList<ApplyRequest> Writes { get; init; } = [];
}

[MessagePackObject]
public sealed record ApplyBatchResponse : RpcResponse, ILeaderAnswer
{
    /// <summary>One answer per write, in request order (empty when <see cref="NotLeader"/>: nothing was appended).</summary>
    [Key(0)]
    public IReadOnlyList<ApplyResponse> Results { get; init; } = [];

    [Key(1)]
    public bool NotLeader { get; init; }

    [Key(2)]
    public string LeaderHint { get; init; } = string.Empty;
}

/// <summary>A TTL check heard from on a follower: the leader, which decides expiry, resets its deadline.</summary>
[MessagePackObject]
public sealed record TtlHeartbeatRequest : RpcRequest
{
    [Key(0)]
    public string Node { get; init; } = string.Empty;

    [Key(1)]
    public string CheckId { get; init; } = string.Empty;
}

/// <summary>Operator removal of a Raft peer, executed by the leader.</summary>
[MessagePackObject]
public sealed record RemovePeerRequest : RpcRequest
{
    [Key(0)]
    public string Address { get; init; } = string.Empty;
}

/// <summary>Asks the leader to give up leadership (<c>POST /v1/operator/raft/transfer-leader</c>); the ack's hint is the new leader.</summary>
[MessagePackObject]
public sealed record StepDownRequest : RpcRequest
{
    [Key(0)]
    public string FromAddress { get; init; } = string.Empty;
}

/// <summary>
/// Asks a follower to stay out of elections for a while (<see cref="Milliseconds"/> &gt; 0), or to end that hold (0):
/// a transfer to a named server holds every other voter so that only the target stands when the leader resigns.
/// </summary>
[MessagePackObject]
public sealed record ElectionHoldRequest : RpcRequest
{
    [Key(0)]
    public int Milliseconds { get; init; }
}

[MessagePackObject]
public sealed record AckResponse : RpcResponse, ILeaderAnswer
{
    [Key(0)]
    public bool Ok { get; init; }

    [Key(1)]
    public string? Error { get; init; }

    [Key(2)]
    public bool NotLeader { get; init; }

    [Key(3)]
    public string LeaderHint { get; init; } = string.Empty;
}

/// <summary>A leaf certificate signing request (PKCS#10 DER) sent by a follower to the leader, which alone signs.</summary>
[MessagePackObject]
public sealed record SignLeafRequest : RpcRequest
{
    [Key(0)]
    public byte[] Csr { get; init; } = [];
}

[MessagePackObject]
public sealed record SignLeafResponse : RpcResponse, ILeaderAnswer
{
    [Key(0)]
    public string CertificatePem { get; init; } = string.Empty;

    [Key(1)]
    public IReadOnlyList<string> Intermediates { get; init; } = [];

    [Key(2)]
    public long Serial { get; init; }

    [Key(3)]
    public long ValidAfterUnixMilliseconds { get; init; }

    [Key(4)]
    public long ValidBeforeUnixMilliseconds { get; init; }

    [Key(5)]
    public string SigningKeyId { get; init; } = string.Empty;

    [Key(6)]
    public string ServiceUri { get; init; } = string.Empty;

    /// <summary>Why the leader refused; <see cref="ErrorKind"/> is a <c>LeafSigningError</c>.</summary>
    [Key(7)]
    public string? Error { get; init; }

    [Key(8)]
    public int ErrorKind { get; init; }

    [Key(9)]
    public bool NotLeader { get; init; }

    [Key(10)]
    public string LeaderHint { get; init; } = string.Empty;
}

/// <summary>
/// A follower's consistent read asks the leader for a read index (Raft's ReadIndex): the leader confirms its
/// leadership with a majority, commits and applies everything in its log, and answers its applied index.
/// </summary>
[MessagePackObject]
public sealed record ReadIndexRequest : RpcRequest
{
    [Key(0)]
    public bool Unused { get; init; }
}

[MessagePackObject]
public sealed record ReadIndexResponse : RpcResponse, ILeaderAnswer
{
    [Key(0)]
    public long Index { get; init; }

    [Key(1)]
    public string? Error { get; init; }

    [Key(2)]
    public bool NotLeader { get; init; }

    [Key(3)]
    public string LeaderHint { get; init; } = string.Empty;
}

/// <summary>
/// A health query from a server of another datacenter (WAN federation): answered from this server's store as a
/// blocking query, with the request's token checked by this datacenter's ACLs (tokens are not replicated).
/// </summary>
[MessagePackObject]
public sealed record DatacenterHealthRequest : RpcRequest
{
    [Key(0)]
    public string Service { get; init; } = string.Empty;

    [Key(1)]
    public bool Connect { get; init; }

    [Key(2)]
    public long MinIndex { get; init; }

    [Key(3)]
    public long WaitMilliseconds { get; init; }

    [Key(4)]
    public string Token { get; init; } = string.Empty;

    /// <summary>A service kind (<c>mesh-gateway</c>): every instance of that kind instead of <see cref="Service"/>'s.</summary>
    [Key(5)]
    public string Kind { get; init; } = string.Empty;
}

[MessagePackObject]
public sealed record DatacenterHealthResponse : RpcResponse
{
    [Key(0)]
    public long Index { get; init; }

    [Key(1)]
    public IReadOnlyList<Federation.HealthRow> Rows { get; init; } = [];

    [Key(2)]
    public string? Error { get; init; }

    [Key(3)]
    public bool PermissionDenied { get; init; }
}
