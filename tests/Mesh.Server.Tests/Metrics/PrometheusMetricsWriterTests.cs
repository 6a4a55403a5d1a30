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
    public void Write_CounterAndSample_CounterKeepsNameSampleIsSummary()
    {
        var snapshot = new MetricsSnapshot(
            DateTimeOffset.UnixEpoch,
            [],
            [new AggregateValue("consul.raft.apply", 4, 1, 4, 1, 1, 1, 0, NoLabels, null)],
            [new AggregateValue("consul.raft.commitTime", 2, 0.5, 3.5, 1, 2.5, 1.75, 1, NoLabels, "Commit time")]);

        var text = PrometheusMetricsWriter.Write(snapshot);

        Assert.Equal(
            "# TYPE consul_raft_apply counter\nconsul_raft_apply 4\n"
            + "# HELP consul_raft_commitTime Commit time\n# TYPE consul_raft_commitTime summary\n"
            + "consul_raft_commitTime_sum 3.5\nconsul_raft_commitTime_count 2\n",
            text);
    }

    [Theory]
    [InlineData("consul.xds.server.streams", "consul_xds_server_streams")]
    [InlineData("9lives-x", "_9lives_x")]
    [InlineData("a:b", "a:b")]
    public void MetricName_Sanitizes(string name, string expected) => Assert.Equal(expected, PrometheusMetricsWriter.MetricName(name));
}
