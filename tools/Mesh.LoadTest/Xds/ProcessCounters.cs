using System.Diagnostics;

namespace Mesh.LoadTest.Xds;

/// <summary>This process's CPU time, managed allocations and GC counts at one moment, to take deltas of.</summary>
public readonly record struct ProcessCounters(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan GcPause, long Timestamp)
{
    public static ProcessCounters Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessCounters(
            process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalPauseDuration(), Stopwatch.GetTimestamp());
    }

    public static ProcessCounters operator -(ProcessCounters after, ProcessCounters before) => new(
        after.Cpu - before.Cpu, after.Allocated - before.Allocated, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2,
        after.GcPause - before.GcPause, after.Timestamp - before.Timestamp);

    public ProcessCounters Subtract(ProcessCounters before) => this - before;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Timestamp);
}
