namespace Mesh.Agent.Checks;

/// <summary>Tuning of the <see cref="CheckRunner"/>; the defaults follow Consul's agent where it has one.</summary>
public sealed record CheckRunnerOptions
{
    public static CheckRunnerOptions Default { get; } = new();

    /// <summary>At most this many HTTP/TCP probes are in flight at once; the rest wait for a slot.</summary>
    public int MaxConcurrentProbes { get; init; } = 16;

    /// <summary>Interval used when a check has none (a check registered through the catalog API).</summary>
    public TimeSpan DefaultInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Shortest interval honoured. Consul raises intervals below 1s to 1s; Mesh only guards against busy loops, so
    /// that short intervals stay usable in tests.
    /// </summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Probe timeout when a check has no Timeout (Consul's 10s).</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often DeregisterCriticalServiceAfter deadlines are looked at (and the check set re-scanned at least).</summary>
    public TimeSpan ReapInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait before retrying a result that could not be written (no leader, for example).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An alias check is re-evaluated at least this often even when no watched key changes.</summary>
    public TimeSpan AliasRefresh { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Bytes of an HTTP response body or script output kept in the check output (Consul's <c>check_output_max_size</c>).</summary>
    public int OutputMaxSize { get; init; } = 4096;

    /// <summary>Runs script checks (<c>enable_script_checks</c> or <c>enable_local_script_checks</c>); off, as in Consul.</summary>
    public bool ScriptChecks { get; init; }

    /// <summary>Script timeout when a check has no Timeout (Consul's 30s).</summary>
    public TimeSpan ScriptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
