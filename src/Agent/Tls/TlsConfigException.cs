namespace Mesh.Agent.Tls;

/// <summary>
/// The TLS configuration or one of its files is unusable. The message names the key or file and the problem; at start
/// the agent refuses to run with it, on reload the previous certificate stays in use.
/// </summary>
public sealed class TlsConfigException : Exception
{
    public TlsConfigException()
    {
    }

    public TlsConfigException(string message)
        : base(message)
    {
    }

    public TlsConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
