using System.Diagnostics.Metrics;

namespace Mesh.Server.Metrics;

/// <summary>Process basics, under go-metrics' runtime names where the meaning is the same.</summary>
internal static class RuntimeInstruments
{
    public static void Create(Meter meter)
    {
        meter.CreateObservableGauge(MetricNames.RuntimeAllocBytes, () => GC.GetTotalMemory(forceFullCollection: false), "bytes", "Bytes allocated on the managed heap");
        meter.CreateObservableGauge(MetricNames.RuntimeTotalGcPauseNs, () => GC.GetTotalPauseDuration().Ticks * 100, "ns", "Time spent in GC pauses since the process started");
        meter.CreateObservableGauge(MetricNames.RuntimeTotalGcRuns, () => (long)GC.CollectionCount(0), description: "Garbage collections since the process started");
        // Cumulative, as Go's MemStats.TotalAlloc: deltas over a load give bytes allocated per request (Mesh.LoadTest write-cost).
        meter.CreateObservableGauge(MetricNames.RuntimeTotalAllocBytes, () => GC.GetTotalAllocatedBytes(precise: false), "bytes", "Bytes allocated on the managed heap since the process started");
        meter.CreateObservableGauge(MetricNames.RuntimeRssBytes, () => Environment.WorkingSet, "bytes", "Resident set size of the process");
        meter.CreateObservableGauge(MetricNames.RuntimeThreadPoolThreads, () => (long)ThreadPool.ThreadCount, description: "Thread pool threads");
        meter.CreateObservableGauge(MetricNames.RuntimeThreadPoolQueue, () => ThreadPool.PendingWorkItemCount, description: "Work items queued on the thread pool");
    }
}
