namespace Mesh.Server.Cluster;

/// <summary>Leadership was not given away; <see cref="NotLeader"/> says the request reached a non-leader (retry-safe).</summary>
public sealed class LeadershipTransferException : Exception
{
    public LeadershipTransferException()
        : this("leadership was not transferred")
    {
    }

    public LeadershipTransferException(string message)
        : base(message)
    {
    }

    public LeadershipTransferException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public LeadershipTransferException(bool notLeader, string message)
        : base(message)
    {
        NotLeader = notLeader;
    }

    public bool NotLeader { get; }
}
