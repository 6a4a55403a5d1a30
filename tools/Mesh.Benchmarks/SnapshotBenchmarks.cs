using BenchmarkDotNet.Attributes;
using Mesh.Fsm.State;

namespace Mesh.Benchmarks;

/// <summary>
/// Whole-store encoding of a 100,000-instance store (10,000 nodes, 110,000 checks): what a Raft snapshot writes, the
/// state digest that tests and operators compare, and the restore a follower runs when it installs a snapshot.
/// </summary>
public class SnapshotBenchmarks
{
    public const int StoreInstances = 100_000;

    private StoreState _state = null!;
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        _state = StoreFixture.Get(StoreInstances).State;
        _encoded = StoreSnapshotCodec.Serialize(_state);
        Console.WriteLine($"// snapshot of {_state.Services.Count:N0} instances, {_state.Checks.Count:N0} checks: {_encoded.Length:N0} bytes");
    }

    [Benchmark(Description = "Serialize")]
    public int Serialize() => StoreSnapshotCodec.Serialize(_state).Length;

    [Benchmark(Description = "Digest (serialize + SHA-256)")]
    public int Digest() => StoreSnapshotCodec.Digest(_state).Length;

    [Benchmark(Description = "Read (restore with indexes)")]
    public int Read() => StoreSnapshotCodec.Read(_encoded).Services.Count;
}
