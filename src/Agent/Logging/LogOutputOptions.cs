namespace Mesh.Agent.Logging;

/// <summary>Where and how the agent writes its log (Consul's <c>log_json</c>, <c>log_file</c> and <c>log_rotate_*</c>).</summary>
public sealed record LogOutputOptions
{
    /// <summary>One JSON object per line with Consul's keys (<c>@level</c>, <c>@message</c>, <c>@module</c>, <c>@timestamp</c>).</summary>
    public bool Json { get; init; }

    /// <summary>
    /// Log file path; null for none. A path ending in a separator gets <c>consul.log</c> (as Consul); a name without an
    /// extension gets <c>.log</c>.
    /// </summary>
    public string? File { get; init; }

    /// <summary>Rotate once the file holds this many bytes; 0 rotates by time only.</summary>
    public long RotateBytes { get; init; }

    /// <summary>Rotate after this long (Consul's default 24h).</summary>
    public TimeSpan RotateDuration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Rotated files kept: 0 keeps all, -1 keeps none.</summary>
    public int RotateMaxFiles { get; init; }
}
