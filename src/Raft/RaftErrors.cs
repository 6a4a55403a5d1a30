namespace Mesh.Raft;

/// <summary>
/// No leader is known, or leadership was lost before a write was committed. Safe to retry only when
/// <see cref="MayHaveApplied"/> is false.
/// </summary>
public sealed class NoLeaderException : Exception
{
    /// <summary>
    /// The write was appended to the leader's log before leadership was lost: the next leader may still commit it, so
    /// sending it again could apply it twice (an earlier value overwriting a later one). Answer "unknown outcome".
    /// </summary>
    public bool MayHaveApplied { get; init; }

    public NoLeaderException()
        : base("No cluster leader")
    {
    }

    public NoLeaderException(string message)
        : base(message)
    {
    }

    public NoLeaderException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>This server is not the leader; the caller may forward to <see cref="Leader"/>.</summary>
public sealed class NotLeaderException : Exception
{
    public NotLeaderException()
        : base("This server is not the leader")
    {
    }

    public NotLeaderException(string message)
        : base(message)
    {
    }

    public NotLeaderException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public System.Net.EndPoint? Leader { get; init; }
}
