using System.Diagnostics;

namespace Mesh.LoadTest.Load;

/// <summary>Percentiles of a set of durations, in milliseconds (nearest-rank).</summary>
public sealed record LatencySummary(int Count, double Min, double P50, double P99, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>From <see cref="Stopwatch"/> tick differences (which may be negative, for times relative to an event).</summary>
    public static LatencySummary FromTicks(IEnumerable<long> ticks)
    {
        var sorted = ticks.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new LatencySummary(sorted.Length, sorted[0], Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double Percentile(double[] sorted, double fraction)
        => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
