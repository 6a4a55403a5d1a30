namespace Mesh.Server.Membership;

/// <summary>
/// What the process hosting a server does for the agent endpoints that act on the process itself: leave (then stop),
/// reload the configuration files, and its log lines for monitors.
/// </summary>
public interface IAgentHost
{
    /// <summary>Asks the process to shut down after a graceful leave (<c>PUT /v1/agent/leave</c>).</summary>
    void Shutdown();

    /// <summary>Re-reads the configuration files and applies what can change at run time; throws <see cref="AgentReloadException"/> for a bad file.</summary>
    Task<AgentReloadResult> ReloadAsync(CancellationToken cancellationToken);
}

/// <summary>What a reload changed.</summary>
public sealed record AgentReloadResult(string LogLevel, bool TlsReloaded, IReadOnlyList<string> Warnings);

/// <summary>The configuration could not be read again: nothing was changed.</summary>
public sealed class AgentReloadException : Exception
{
    public AgentReloadException()
    {
    }

    public AgentReloadException(string message)
        : base(message)
    {
    }

    public AgentReloadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Where the server finds its host process (attached by the host after the server is composed; none in bare server tests).</summary>
public sealed class AgentHostBinding
{
    private IAgentHost? _host;

    public IAgentHost? Host => Volatile.Read(ref _host);

    /// <summary>The server's log lines, for <c>/v1/agent/monitor</c>.</summary>
    public Logging.LogBroadcast Logs { get; } = new();

    public void Attach(IAgentHost host) => Volatile.Write(ref _host, host);
}
