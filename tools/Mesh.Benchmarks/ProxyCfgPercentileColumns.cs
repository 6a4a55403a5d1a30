using BenchmarkDotNet.Configs;

namespace Mesh.Benchmarks;

/// <summary>The P50 and P99 columns of the per-proxy snapshot benchmarks.</summary>
public sealed class ProxyCfgPercentileColumns : ManualConfig
{
    public ProxyCfgPercentileColumns() => AddColumn(new ProxyCfgPercentileColumn(50), new ProxyCfgPercentileColumn(99));
}
