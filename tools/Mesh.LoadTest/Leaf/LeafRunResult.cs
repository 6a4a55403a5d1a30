using Mesh.LoadTest.Load;

namespace Mesh.LoadTest.Leaf;

/// <summary>One measured window of new-leaf requests: rate, latency, server CPU per leaf, failures.</summary>
public sealed record LeafRunResult(int Concurrency, double LeavesPerSecond, LatencySummary Latency, double ServerCpuMicrosPerLeaf, long Errors, string? FirstError);
