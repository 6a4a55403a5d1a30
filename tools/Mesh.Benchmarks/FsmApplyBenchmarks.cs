using BenchmarkDotNet.Attributes;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Benchmarks;

/// <summary>
/// Commands per second through <see cref="StateMachine.Apply"/> on a store that already holds 10,000 service instances.
/// Each invocation restores the 10,000-instance state and applies a batch of distinct commands, so every command is a
/// real change; the reported time is per command. The <c>_Decoded</c> cases add <see cref="LogCodec.Decode(ReadOnlyMemory{byte})"/>,
/// which is what the Raft apply loop pays per entry.
/// </summary>
public class FsmApplyBenchmarks
{
    public const int StoreInstances = 10_000;
    private const int Batch = 1_000;

    private StateMachine _fsm = null!;
    private StoreState _base = null!;
    private LogRecord[] _registerNew = [];
    private LogRecord[] _registerNewSkipNodeUpdate = [];
    private LogRecord[] _registerChangedPort = [];
    private LogRecord[] _updateCheck = [];
    private ReadOnlyMemory<byte>[] _registerNewEncoded = [];
    private ReadOnlyMemory<byte>[] _updateCheckEncoded = [];

    [GlobalSetup]
    public void Setup()
    {
        var fixture = StoreFixture.Get(StoreInstances);
        _fsm = new StateMachine();
        _base = fixture.State;

        _registerNew = [.. Enumerable.Range(0, Batch).Select(i => CatalogRecords.Record(
            CatalogRecords.Instance(i % fixture.NodeCount, "bench-new", $"bench-new-{i}", 9000, withNodeId: true)))];
        _registerNewSkipNodeUpdate = [.. Enumerable.Range(0, Batch).Select(i => CatalogRecords.Record(
            CatalogRecords.Instance(i % fixture.NodeCount, "bench-new", $"bench-new-{i}", 9000, withNodeId: false)))];

        // Existing filler instances (past the sized services), re-registered with a new port.
        var existing = Enumerable.Range(1_000, Batch).ToArray();
        _registerChangedPort = [.. existing.Select(instance => CatalogRecords.Record(CatalogRecords.Instance(
            fixture.NodeOf(instance), StoreFixture.ServiceOf(instance), StoreFixture.InstanceId(instance), StoreFixture.FixturePort + 1, withNodeId: true)))];
        _updateCheck = [.. existing.Select(instance => CatalogRecords.Record(CatalogRecords.CheckStatus(
            fixture.NodeOf(instance), CatalogRecords.ServiceCheckId(StoreFixture.InstanceId(instance)), HealthStatus.Critical)))];

        _registerNewEncoded = [.. _registerNew.Select(record => new ReadOnlyMemory<byte>(LogCodec.Encode(record)))];
        _updateCheckEncoded = [.. _updateCheck.Select(record => new ReadOnlyMemory<byte>(LogCodec.Encode(record)))];

        // Fail fast if a command would be refused: a refused command measures nothing useful.
        foreach (var records in new[] { _registerNew, _registerNewSkipNodeUpdate, _registerChangedPort, _updateCheck })
        {
            _fsm.Restore(_base);
            var index = _base.AppliedIndex;
            foreach (var record in records)
            {
                if (_fsm.Apply(++index, record).Error is { } error)
                {
                    throw new InvalidOperationException($"benchmark command refused: {error}");
                }
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "Register new instance (with node ID)")]
    public long RegisterNew() => ApplyAll(_registerNew);

    [Benchmark(OperationsPerInvoke = Batch, Description = "Register new instance (SkipNodeUpdate)")]
    public long RegisterNew_SkipNodeUpdate() => ApplyAll(_registerNewSkipNodeUpdate);

    [Benchmark(OperationsPerInvoke = Batch, Description = "Re-register instance, port changed")]
    public long RegisterChangedPort() => ApplyAll(_registerChangedPort);

    [Benchmark(OperationsPerInvoke = Batch, Description = "Update check status")]
    public long UpdateCheck() => ApplyAll(_updateCheck);

    [Benchmark(OperationsPerInvoke = Batch, Description = "Decode + register new instance")]
    public long RegisterNew_Decoded() => DecodeAndApplyAll(_registerNewEncoded);

    [Benchmark(OperationsPerInvoke = Batch, Description = "Decode + update check status")]
    public long UpdateCheck_Decoded() => DecodeAndApplyAll(_updateCheckEncoded);

    private long ApplyAll(LogRecord[] records)
    {
        _fsm.Restore(_base);
        var index = _base.AppliedIndex;
        foreach (var record in records)
        {
            _fsm.Apply(++index, record);
        }

        return _fsm.Current.AppliedIndex;
    }

    private long DecodeAndApplyAll(ReadOnlyMemory<byte>[] entries)
    {
        _fsm.Restore(_base);
        var index = _base.AppliedIndex;
        foreach (var entry in entries)
        {
            _fsm.Apply(++index, LogCodec.Decode(entry));
        }

        return _fsm.Current.AppliedIndex;
    }
}
