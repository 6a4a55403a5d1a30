namespace Mesh.XdsServer.Streams;

/// <summary>A lock-free latency histogram with fixed millisecond buckets (upper bounds), plus count, sum and max.</summary>
public sealed class LatencyHistogram
{
    private static readonly double[] BoundsMs = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, double.PositiveInfinity];

    private readonly long[] _counts = new long[BoundsMs.Length];
    private long _count;
    private long _sumMicros;
    private long _maxMicros;

    public static IReadOnlyList<double> BucketUpperBoundsMs => BoundsMs;

    public long Count => Interlocked.Read(ref _count);

    public TimeSpan Max => TimeSpan.FromMicroseconds(Interlocked.Read(ref _maxMicros));

    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(Interlocked.Read(ref _sumMicros) / (double)Count);

    public void Record(TimeSpan latency)
    {
        var ms = latency.TotalMilliseconds;
        var bucket = 0;
        while (ms > BoundsMs[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        var micros = (long)latency.TotalMicroseconds;
        Interlocked.Add(ref _sumMicros, micros);
        var max = Interlocked.Read(ref _maxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Counts per bucket, in the order of <see cref="BucketUpperBoundsMs"/>.</summary>
    public long[] Buckets() => [.. _counts.Select((_, i) => Interlocked.Read(ref _counts[i]))];

    /// <summary>The smallest bucket bound at or below which at least this fraction of the samples falls.</summary>
    public double QuantileUpperBoundMs(double quantile)
    {
        var buckets = Buckets();
        var total = buckets.Sum();
        if (total == 0)
        {
            return 0;
        }

        var target = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= target)
            {
                return BoundsMs[i];
            }
        }

        return double.PositiveInfinity;
    }
}
