using BenchmarkDotNet.Attributes;
using Mesh.EnvoyResources;
using Mesh.ProxyCfg;
using Mesh.Xds;
using Perfolizer.Mathematics.OutlierDetection;

namespace Mesh.Benchmarks;

/// <summary>
/// One proxy with 50 upstreams, and one with a single tcp upstream (<see cref="ProxyCfgFixture"/>):
/// <see cref="SnapshotBuilder.Build"/> from the store, <see cref="ResourceGenerator.Generate"/> from the snapshot,
/// both, and both plus what the xDS server adds per snapshot (each resource packed into an Any and versioned by the
/// SHA-256 of its encoding, as its VersionedResourceSet does). Each iteration is one operation without a forced GC in
/// between, so the P50/P99 columns are per-proxy percentiles that include the GC pauses the operation's own
/// allocations cause (and no outlier is removed, so P99 is the real tail).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ProxyCfgPercentileColumns))]
[WarmupCount(50)]
[IterationCount(1000)]
[InvocationCount(1, 1)]
[GcForce(false)]
[Outliers(OutlierMode.DontRemove)]
public class ProxyCfgBenchmarks
{
    private ProxyCfgFixture _fixture = null!;
    private ProxyId _proxy = null!;
    private ConfigSnapshot _snapshot = null!;

    // As in a server: builds from one store state share its compiled chains and endpoint lists.
    private readonly BuildCaches _caches = new();

    [Params(1, ProxyCfgFixture.Upstreams)]
    public int Upstreams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = ProxyCfgFixture.Instance;
        _proxy = ProxyCfgFixture.ProxyWith(Upstreams);
        _snapshot = Build();
        var resources = ResourceGenerator.Generate(_snapshot);
        var httpListeners = resources.Of(XdsTypeUrls.Listener).Values.Count(l => l.ToString()?.Contains("HttpConnectionManager", StringComparison.Ordinal) == true);

        // One operation per iteration gives few calls per warmup; run the code enough for tiered JIT (and PGO) to
        // reach its final tier before measuring, as it has in a server that has been running for a while.
        for (var i = 0; i < 2_000 / Upstreams + 200; i++)
        {
            _ = BuildGenerateAndVersion();
        }

        Thread.Sleep(500);
        Console.WriteLine($"// proxycfg fixture: {_snapshot.Upstreams.Length} upstreams, " +
            string.Join(", ", resources.ByType.Select(t => $"{t.Value.Count} {t.Key[(t.Key.LastIndexOf('.') + 1)..]}")) + $" ({httpListeners} listeners with an HTTP connection manager)");
    }

    [Benchmark(Description = "SnapshotBuilder.Build")]
    public ConfigSnapshot Build()
        => SnapshotBuilder.Build(_fixture.State, _proxy, _fixture.Leaf, _fixture.Self, _caches)
           ?? throw new InvalidOperationException("the fixture proxy has no snapshot");

    [Benchmark(Description = "ResourceGenerator.Generate")]
    public EnvoyResourceSet Generate() => ResourceGenerator.Generate(_snapshot);

    [Benchmark(Description = "Build + Generate")]
    public EnvoyResourceSet BuildAndGenerate() => ResourceGenerator.Generate(Build());

    [Benchmark(Description = "Build + Generate + pack + SHA-256 versions")]
    public int BuildGenerateAndVersion() => ResourceVersions.PackAndHash(ResourceGenerator.Generate(Build()));
}
