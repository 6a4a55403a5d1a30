namespace Mesh.Ca.Signing;

/// <summary>Why a leaf could not be signed; the kind decides whether the caller retries and what the API answers.</summary>
public enum LeafSigningError
{
    /// <summary>The request itself is wrong (a malformed CSR, a foreign trust domain or datacenter): 400, no retry.</summary>
    Invalid = 1,

    /// <summary>The leader's <c>CSRMaxPerSecond</c>/<c>CSRMaxConcurrent</c> limit was hit: retry after a jittered pause.</summary>
    RateLimited = 2,

    /// <summary>No leader, or the CA is not initialized yet: retry shortly.</summary>
    NotReady = 3,

    /// <summary>The server asked is not the leader (it lost leadership): retry at the leader.</summary>
    NotLeader = 4,
}

public sealed class LeafSigningException : Exception
{
    public LeafSigningException()
    {
    }

    public LeafSigningException(string message)
        : base(message)
    {
    }

    public LeafSigningException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public LeafSigningException(LeafSigningError kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public LeafSigningError Kind { get; } = LeafSigningError.Invalid;

    /// <summary>Consul's <c>ErrRateLimited</c> text.</summary>
    public static LeafSigningException RateLimited() => new(LeafSigningError.RateLimited, "Rate limit reached, try again later");
}
