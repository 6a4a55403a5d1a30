using System.Diagnostics.Metrics;
using Mesh.Server;

namespace Mesh.Server.Metrics;

/// <summary>
/// One server's metrics: its own meter (Raft, FSM, store sizes, runtime) plus whatever meters the host adds (the xDS
/// server's), read by one <see cref="MetricsCollector"/> for <c>/v1/agent/metrics</c>.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Mesh.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly ServerRuntime _server;
    private readonly Timer? _contactSampler;

    public ServerMetrics(ServerRuntime server, ServerInstruments? instruments = null)
    {
        _server = server ?? throw new ArgumentNullException(nameof(server));
        CreateRaftInstruments();
        CreateStoreInstruments();
        RuntimeInstruments.Create(_meter);
        Collector.Track(_meter);
        Instruments = instruments;
        if (instruments is not null)
        {
            Collector.Track(instruments.Meter);
            _contactSampler = new Timer(_ => SampleLeaderContact(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        if (server.Ca is { } ca)
        {
            Collector.Track(ca.Signer.Meter);
        }
    }

    /// <summary>The server's pushed timings and counts (HTTP, Raft, RPC); null where none are kept.</summary>
    public ServerInstruments? Instruments { get; }

    private void SampleLeaderContact()
    {
        var raft = _server.Raft;
        if (!raft.IsLeader && raft.Leader is not null)
        {
            Instruments?.RecordLeaderContact(raft.LastContact);
        }
    }

    public MetricsCollector Collector { get; } = new();

    /// <summary>Entries applied to this server's state machine (commands, no-ops and restores alike).</summary>
    public long FsmApplies => _server.Fsm.Changes.Published;

    /// <summary>Reads another component's meter too (its instrument names go through <see cref="MetricNames.Export"/>).</summary>
    public void Track(Meter meter) => Collector.Track(meter);

    /// <summary>A counter read from a component that keeps its own total (the value must only grow).</summary>
    public void ObserveCounter(string name, Func<long> read, string? description = null)
        => _meter.CreateObservableCounter(name, read, description: description);

    public void ObserveGauge(string name, Func<long> read, string? description = null)
        => _meter.CreateObservableGauge(name, read, description: description);

    public MetricsSnapshot Collect() => Collector.Collect();

    public void Dispose()
    {
        _contactSampler?.Dispose();
        Collector.Dispose();
        _meter.Dispose();
    }

    private void CreateRaftInstruments()
    {
        var raft = _server.Raft;
        _meter.CreateObservableGauge(MetricNames.IsLeader, () => raft.IsLeader ? 1 : 0, description: "1 while this server is the Raft leader, else 0");
        _meter.CreateObservableGauge(MetricNames.RaftAppliedIndex, () => raft.AppliedIndex, description: "Index of the last log entry applied to the state machine");
        _meter.CreateObservableGauge(MetricNames.RaftLastIndex, () => raft.LastLogIndex, description: "Index of the last entry in the Raft log");
        _meter.CreateObservableGauge(MetricNames.RaftCommitIndex, () => raft.CommitIndex, description: "Index of the last committed Raft log entry");
        _meter.CreateObservableGauge(MetricNames.RaftTerm, () => raft.Term, description: "Current Raft term");
        _meter.CreateObservableGauge(MetricNames.RaftLastContact, () => raft.LastContact.TotalMilliseconds, "ms", "Time since this follower last heard from a leader (0 on the leader)");
        _meter.CreateObservableGauge(MetricNames.RaftMembers, () => (long)raft.Members.Count, description: "Servers in the Raft configuration");
        _meter.CreateObservableCounter(MetricNames.FsmApplies, () => FsmApplies, description: "Log entries applied to the state machine");
    }

    /// <summary>Consul's usage gauges, labelled with the datacenter as Consul labels them.</summary>
    private void CreateStoreInstruments()
    {
        var fsm = _server.Fsm;
        var datacenter = new KeyValuePair<string, object?>("datacenter", _server.Self.Datacenter);
        _meter.CreateObservableGauge(MetricNames.StateNodes, () => new Measurement<long>(fsm.Current.Nodes.Count, datacenter), description: "Nodes in the catalog");
        _meter.CreateObservableGauge(MetricNames.StateServices, () => new Measurement<long>(fsm.Current.ServicesByName.Count, datacenter), description: "Distinct service names in the catalog");
        _meter.CreateObservableGauge(MetricNames.StateServiceInstances, () => new Measurement<long>(fsm.Current.Services.Count, datacenter), description: "Service instances in the catalog");
    }
}
