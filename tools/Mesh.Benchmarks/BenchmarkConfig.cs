using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Mesh.Benchmarks;

/// <summary>
/// One job for every benchmark. It runs in-process: an out-of-process job would build a generated project that
/// rebuilds src/ into its default bin/obj folders, which collides with other builds of the same tree.
/// </summary>
public static class BenchmarkConfig
{
    public static IConfig Create(bool quick)
    {
        // --quick: BenchmarkDotNet's ShortRun (1 launch, 3 warmup and 3 measured iterations) with 250 ms iterations,
        // so that every benchmark runs in under three minutes on two cores.
        var job = (quick ? Job.ShortRun.WithIterationTime(TimeInterval.FromMilliseconds(250)).WithId("quick") : Job.Default.WithId("full"))
            .WithToolchain(InProcessEmitToolchain.Instance);
        return DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "mesh-benchmarks"));
    }
}
