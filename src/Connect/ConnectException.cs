namespace Mesh.Connect;

/// <summary>Why a Connect connection could not be made or was refused.</summary>
public enum ConnectFailure
{
    /// <summary>No leaf or roots yet (the server may be down).</summary>
    NotReady,

    /// <summary>The upstream has no healthy instance.</summary>
    NoHealthyInstances,

    /// <summary>TCP connect to the instance failed or timed out.</summary>
    DialFailed,

    /// <summary>The TLS handshake failed: plaintext peer, untrusted chain, wrong identity.</summary>
    HandshakeFailed,

    /// <summary>Intentions deny the caller (or the authorize call failed, which refuses too).</summary>
    Denied,
}

/// <summary>A Connect connection that was refused, with the reason for logs and metrics.</summary>
public sealed class ConnectException : Exception
{
    public ConnectException()
    {
    }

    public ConnectException(string message)
        : base(message)
    {
    }

    public ConnectException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ConnectException(ConnectFailure failure, string message, Exception? inner = null)
        : base(message, inner)
        => Failure = failure;

    public ConnectFailure Failure { get; }
}
