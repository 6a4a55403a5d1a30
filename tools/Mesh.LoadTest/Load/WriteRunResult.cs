namespace Mesh.LoadTest.Load;

/// <summary>One closed-loop write run against one target at one concurrency, in one round of the comparison.</summary>
public sealed record WriteRunResult(
    int Round,
    string Target,
    int Concurrency,
    TimeSpan Duration,
    long Completed,
    long Errors,
    string? FirstError,
    LatencySummary Latency,
    TimeSpan ServerCpu,
    long ServerResidentBytes)
{
    public double WritesPerSecond => Completed / Duration.TotalSeconds;

    /// <summary>Server CPU time per acknowledged write (user + system), in microseconds.</summary>
    public double ServerCpuMicrosecondsPerWrite => Completed == 0 ? 0 : ServerCpu.TotalMicroseconds / Completed;

    /// <summary>Raft log entries applied during the measured window, where the target reports its applied index.</summary>
    public long? LogEntries { get; init; }

    /// <summary>Log entries per acknowledged write (1 when every write is its own entry, less with group commit).</summary>
    public double? LogEntriesPerWrite => LogEntries is { } entries && Completed > 0 ? (double)entries / Completed : null;
}
