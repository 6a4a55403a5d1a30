using Mesh.LoadTest.Load;

namespace Mesh.LoadTest.Parked;

/// <summary>What one phase of parked blocking queries measured.</summary>
public sealed record ParkedPhaseResult
{
    public required string Name { get; init; }

    public required int Queries { get; init; }

    public required int Services { get; init; }

    public required int Affected { get; init; }

    public required TimeSpan ParkTime { get; init; }

    public required long ResidentBefore { get; init; }

    public required long ResidentParked { get; init; }

    public required long ResidentAfterWake { get; init; }

    /// <summary>Queries that returned before the write (should be none).</summary>
    public required int ReturnedEarly { get; init; }

    public required double WriteAckMilliseconds { get; init; }

    /// <summary>Affected queries that returned 200 with an index past the one they parked at.</summary>
    public required int AffectedWoken { get; init; }

    /// <summary>Unaffected queries that returned after the write (should be none).</summary>
    public required int UnaffectedReturned { get; init; }

    public required int Failed { get; init; }

    public string? FirstError { get; init; }

    /// <summary>From the write's acknowledgement (client side) to each affected query's full response.</summary>
    public required LatencySummary WakeFromAck { get; init; }

    /// <summary>From sending the write to each affected query's full response.</summary>
    public required LatencySummary WakeFromSend { get; init; }

    public double BytesPerParkedQuery => (ResidentParked - ResidentBefore) / (double)Queries;

    public bool Passed => ReturnedEarly == 0 && UnaffectedReturned == 0 && Failed == 0 && AffectedWoken == Affected;
}
