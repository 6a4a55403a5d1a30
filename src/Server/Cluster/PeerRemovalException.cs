namespace Mesh.Server.Cluster;

/// <summary>The leader did not remove a Raft peer; <see cref="NotLeader"/> says the request reached a non-leader (retry-safe).</summary>
public sealed class PeerRemovalException : Exception
{
    public PeerRemovalException()
        : this("the peer was not removed")
    {
    }

    public PeerRemovalException(string message)
        : base(message)
    {
    }

    public PeerRemovalException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PeerRemovalException(bool notLeader, string message)
        : base(message)
    {
        NotLeader = notLeader;
    }

    public bool NotLeader { get; }
}
