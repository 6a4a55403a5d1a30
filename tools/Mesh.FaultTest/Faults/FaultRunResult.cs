using Mesh.FaultTest.Checking;

namespace Mesh.FaultTest.Faults;

/// <summary>Per-fault tallies of a run.</summary>
public sealed class FaultTally
{
    public int Rounds { get; set; }

    public int Failures { get; set; }

    public int DigestMismatches { get; set; }

    public int LostWrites { get; set; }
}

/// <summary>The figures of a fault run; <see cref="Passed"/> when nothing was lost, diverged or non-linearizable.</summary>
public sealed record FaultRunResult(
    int Seed,
    string Network,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, FaultTally> Faults,
    IReadOnlyDictionary<string, int> Observations,
    long AcknowledgedWrites,
    long AmbiguousWrites,
    long ConsistentReads,
    int LostWrites,
    int DigestMismatches,
    IReadOnlyList<LinearizabilityResult> Linearizability,
    IReadOnlyList<string> Failures,
    IReadOnlyDictionary<string, int> ClientStatuses)
{
    public int Violations => Linearizability.Count(r => !r.Linearizable);

    public int UncheckedKeys => Linearizability.Count(r => r.TimedOut);

    /// <summary>Answers of 500 and above other than 503 (no leader, quorum unreachable) that clients got during faults.</summary>
    public int ClientServerErrors => ClientStatuses.Where(kv => kv.Key.EndsWith(" 500", StringComparison.Ordinal) || kv.Key.EndsWith(" 502", StringComparison.Ordinal) || kv.Key.EndsWith(" 504", StringComparison.Ordinal)).Sum(kv => kv.Value);

    public bool Passed => LostWrites == 0 && DigestMismatches == 0 && Violations == 0 && ClientServerErrors == 0 && Failures.Count == 0;
}
