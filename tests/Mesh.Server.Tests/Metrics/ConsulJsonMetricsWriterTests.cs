using System.Text;
using System.Text.Json;
using Mesh.Server.Metrics;

namespace Mesh.Server.Tests.Metrics;

public sealed class ConsulJsonMetricsWriterTests
{
    [Fact]
    public void Write_Snapshot_ConsulFieldsAndGoTimestamp()
    {
        var labels = new Dictionary<string, string> { ["datacenter"] = "dc1" };
        var snapshot = new MetricsSnapshot(
            new DateTimeOffset(2017, 8, 8, 2, 55, 10, TimeSpan.Zero),
            [new GaugeValue("consul.state.nodes", 2, labels, null)],
            [new AggregateValue("consul.fsm.applies", 3, 0.5, 3, 1, 1, 1, 0, labels, null)],
            [new AggregateValue("consul.raft.commitTime", 1, double.NaN, 2, 2, 2, 2, 0, labels, null)]);

        var text = Encoding.UTF8.GetString(ConsulJsonMetricsWriter.Write(snapshot));

        Assert.StartsWith("{\"Timestamp\":\"2017-08-08 02:55:10 +0000 UTC\",\"Gauges\":[{\"Name\":\"consul.state.nodes\",\"Value\":2,\"Labels\":{\"datacenter\":\"dc1\"}}],\"Points\":[],", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        var counter = Assert.Single(document.RootElement.GetProperty("Counters").EnumerateArray());
        Assert.Equal(["Name", "Count", "Rate", "Sum", "Min", "Max", "Mean", "Stddev", "Labels"], counter.EnumerateObject().Select(p => p.Name));
        var sample = Assert.Single(document.RootElement.GetProperty("Samples").EnumerateArray());
        Assert.Equal(0, sample.GetProperty("Rate").GetDouble()); // NaN has no JSON form
    }
}
