using Mesh.LoadTest.Load;

namespace Mesh.LoadTest.Xds;

/// <summary>One xDS run against a fresh server: N streams, one new db instance, then sustained endpoint changes.</summary>
public sealed record XdsRunResult
{
    public required int Streams { get; init; }

    public required int Connections { get; init; }

    public required double RegisterSeconds { get; init; }

    /// <summary>From opening the first stream to every stream holding CDS, EDS and LDS.</summary>
    public required double InitialSeconds { get; init; }

    public required int Ready { get; init; }

    public required long ResidentBeforeStreams { get; init; }

    public required long ResidentWithStreams { get; init; }

    public double BytesPerStream => Streams == 0 ? 0 : (double)(ResidentWithStreams - ResidentBeforeStreams) / Streams;

    public required double InitialServerCpuSeconds { get; init; }

    public required double WriteAckMilliseconds { get; init; }

    public required int Updated { get; init; }

    /// <summary>From just before the new db sidecar's registration was sent to each stream's EDS response holding it.</summary>
    public required LatencySummary UpdateFromSend { get; init; }

    public required double UpdateServerCpuSeconds { get; init; }

    public required double SustainedSeconds { get; init; }

    public required int Changes { get; init; }

    public required long SustainedPushes { get; init; }

    public double PushesPerSecond => SustainedSeconds == 0 ? 0 : SustainedPushes / SustainedSeconds;

    public required double SustainedServerCpuSeconds { get; init; }

    public required double SustainedClientCpuSeconds { get; init; }

    /// <summary>From sending the last change until every stream held it.</summary>
    public required LatencySummary Convergence { get; init; }

    public required int Converged { get; init; }

    public required long ResidentAfter { get; init; }

    public required int Failed { get; init; }

    public string? FirstError { get; init; }

    public required string LoadBefore { get; init; }

    public required string LoadAfter { get; init; }
}
