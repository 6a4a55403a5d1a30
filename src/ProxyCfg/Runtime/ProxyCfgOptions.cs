namespace Mesh.ProxyCfg;

/// <summary>proxycfg settings.</summary>
public sealed record ProxyCfgOptions
{
    /// <summary>How long changes are gathered before a new snapshot is built and published (Consul: 200 ms).</summary>
    public TimeSpan CoalesceDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
