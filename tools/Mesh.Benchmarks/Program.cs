using BenchmarkDotNet.Running;
using Mesh.Benchmarks;

// Usage: Mesh.Benchmarks [--quick] [BenchmarkDotNet options, e.g. --filter *Snapshot*]
// Without --filter every benchmark runs (BenchmarkDotNet would otherwise ask interactively).
var quick = args.Contains("--quick");
var rest = args.Where(arg => arg != "--quick").ToList();
if (!rest.Contains("--filter") && !rest.Contains("-f"))
{
    rest.AddRange(["--filter", "*"]);
}

// The 100,000-instance store stays cached once built and makes every forced GC between iterations slower, so the
// benchmarks that use it run last.
var summaries = BenchmarkSwitcher.FromTypes([typeof(FsmApplyBenchmarks), typeof(StoreReadBenchmarks), typeof(AuthorizeBenchmarks), typeof(AclEnforcementBenchmarks), typeof(LeafSigningBenchmarks), typeof(ProxyCfgBenchmarks), typeof(ProxyCfgIngressBenchmarks), typeof(SnapshotBenchmarks)])
    .Run([.. rest], BenchmarkConfig.Create(quick));
return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
