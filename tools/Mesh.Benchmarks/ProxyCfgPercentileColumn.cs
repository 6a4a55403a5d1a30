using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Mesh.Benchmarks;

/// <summary>
/// A percentile of the measured iterations in microseconds. BenchmarkDotNet ships P0..P100 in steps that skip 99; the
/// proxycfg benchmarks run one operation per iteration, so these are per-proxy percentiles.
/// </summary>
public sealed class ProxyCfgPercentileColumn(int percentile) : IColumn
{
    public string Id => $"{nameof(ProxyCfgPercentileColumn)}.P{percentile}";

    public string ColumnName => $"P{percentile} µs";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10 + percentile;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{percentile}th percentile of one operation, microseconds";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        return statistics is null ? "NA" : (statistics.Percentiles.Percentile(percentile) / 1000).ToString("N1", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
