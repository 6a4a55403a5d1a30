namespace Mesh.LoadTest.Snapshot;

/// <summary>One snapshot save or restore: its duration and the server's resident memory before and at its peak during it.</summary>
public sealed record SnapshotResult(string Operation, int Attempt, int Services, TimeSpan Elapsed, long ArchiveBytes, long ResidentBefore, long PeakResident, string Check);
