using System.Net;

namespace Mesh.Raft;

/// <summary>Settings of one Raft server.</summary>
public sealed record RaftServerOptions
{
    /// <summary>Folder for the write-ahead log, snapshots and membership. Created if missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Delete <see cref="DataDirectory"/> on shutdown (the <c>-dev</c> server).</summary>
    public bool Ephemeral { get; init; }

    /// <summary>Address the Raft transport listens on (Consul's server port, 8300).</summary>
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>Bootstrap a new single-voter cluster when the data directory holds no Raft state.</summary>
    public bool Bootstrap { get; init; }

    /// <summary>Take a state snapshot (and let the log be compacted) after this many applied entries.</summary>
    public int SnapshotThreshold { get; init; } = 16384;

    // Generous for 2-core machines where GC and JIT pauses are real; a leader is still replaced in about a second.
    public int LowerElectionTimeoutMilliseconds { get; init; } = 400;

    public int UpperElectionTimeoutMilliseconds { get; init; } = 800;

    /// <summary>TLS for Raft and server RPC on the server port (Consul's <c>tls.internal_rpc</c>); plaintext by default.</summary>
    public Transport.ServerPortTls Tls { get; init; } = Transport.ServerPortTls.Plaintext;
}
