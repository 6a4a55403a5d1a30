namespace Mesh.Server.Metrics;

/// <summary>
/// Running statistics of one pushed series (a counter's increments or a histogram's observations), updated from any
/// thread. Stddev follows go-metrics: the sample standard deviation from the count, sum and sum of squares.
/// </summary>
internal sealed class SeriesAggregate(IReadOnlyDictionary<string, string> labels)
{
    private readonly Lock _lock = new();
    private long _count;
    private double _sum;
    private double _sumSquares;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private double _last;

    public IReadOnlyDictionary<string, string> Labels { get; } = labels;

    public void Record(double value)
    {
        lock (_lock)
        {
            _count++;
            _sum += value;
            _sumSquares += value * value;
            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
            _last = value;
        }
    }

    public (long Count, double Sum, double Min, double Max, double Mean, double Stddev, double Last) Read()
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                return (0, 0, 0, 0, 0, 0, 0);
            }

            var divisor = (double)_count * (_count - 1);
            var stddev = divisor == 0 ? 0 : Math.Sqrt(Math.Max(0, ((_count * _sumSquares) - (_sum * _sum)) / divisor));
            return (_count, _sum, _min, _max, _sum / _count, stddev, _last);
        }
    }
}
