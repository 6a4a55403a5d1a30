using Mesh.Server.Metrics;

namespace Mesh.Server.Tests.Metrics;

public sealed class PrometheusMetricsWriterTests
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    [Fact]
    public void Write_GaugeWithLabels_EscapesValuesAndUnderscoresNames()
    {
        var snapshot = new MetricsSnapshot(
            DateTimeOffset.UnixEpoch,
            [
                new GaugeValue("consul.state.nodes", 3, new Dictionary<string, string> { ["datacenter"] = "dc\"1\\\n", ["a.b"] = "x" }, "Nodes"),
                new GaugeValue("consul.state.nodes", 4, new Dictionary<string, string> { ["datacenter"] = "dc2" }, "Nodes"),
            ],
            [],
            []);

        var text = PrometheusMetricsWriter.Write(snapshot);

        Assert.Equal(
            "# HELP consul_state_nodes Nodes\n# TYPE consul_state_nodes gauge\n"
            + "consul_state_nodes{datacenter=\"dc\\\"1\\\\\\n\",a_b=\"x\"} 3\nconsul_state_nodes{datacenter=\"dc2\"} 4\n",
            text);
    }

    [Fact]
    public void Write_CounterAndSample_CounterEndsInTotalSampleIsSummaryEveryFamilyHasHelp()
    {
        var snapshot = new MetricsSnapshot(
            DateTimeOffset.UnixEpoch,
            [],
            [new AggregateValue("consul.raft.apply", 4, 1, 4, 1, 1, 1, 0, NoLabels, null)],
            [new AggregateValue("consul.raft.commitTime", 2, 0.5, 3.5, 1, 2.5, 1.75, 1, NoLabels, "Commit time")]);

        var text = PrometheusMetricsWriter.Write(snapshot);

        Assert.Equal(
            "# HELP consul_raft_apply_total Consul metric consul.raft.apply\n# TYPE consul_raft_apply_total counter\nconsul_raft_apply_total 4\n"
            + "# HELP consul_raft_commit_time Commit time\n# TYPE consul_raft_commit_time summary\n"
            + "consul_raft_commit_time_sum 3.5\nconsul_raft_commit_time_count 2\n",
            text);
    }

    [Theory]
    [InlineData("consul.xds.server.streams", "consul_xds_server_streams")]
    [InlineData("9lives-x", "_9lives_x")]
    [InlineData("a:b", "a:b")]
    [InlineData("consul.server.isLeader", "consul_server_is_leader")]
    [InlineData("consul.raft.leader.lastContact", "consul_raft_leader_last_contact")]
    public void MetricName_Sanitizes(string name, string expected) => Assert.Equal(expected, PrometheusMetricsWriter.MetricName(name));

    [Fact]
    public void Write_AbbreviatedTimeUnit_IsGivenInSeconds()
    {
        var snapshot = new MetricsSnapshot(DateTimeOffset.UnixEpoch, [new GaugeValue("consul.runtime.total_gc_pause_ns", 2_000_000_000, NoLabels, "GC pause")], [], []);

        Assert.Equal("# HELP consul_runtime_total_gc_pause_seconds GC pause\n# TYPE consul_runtime_total_gc_pause_seconds gauge\nconsul_runtime_total_gc_pause_seconds 2\n", PrometheusMetricsWriter.Write(snapshot));
    }
}
