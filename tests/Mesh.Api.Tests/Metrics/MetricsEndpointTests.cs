using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Metrics;

public sealed partial class MetricsEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task GetMetrics_Json_HasConsulShapeAndServerGauges()
    {
        var metrics = await _server.GetOkJsonAsync("/v1/agent/metrics");

        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000 UTC$", metrics.GetProperty("Timestamp").GetString());
        Assert.Equal(JsonValueKind.Array, metrics.GetProperty("Points").ValueKind);
        Assert.Equal(JsonValueKind.Array, metrics.GetProperty("Samples").ValueKind);
        var gauges = metrics.GetProperty("Gauges").EnumerateArray().ToList();
        Assert.All(gauges, gauge => Assert.Equal(JsonValueKind.Object, gauge.GetProperty("Labels").ValueKind));
        Assert.Equal(0, Gauge(metrics, "consul.xds.server.streams"));
        Assert.Equal(1, Gauge(metrics, "consul.server.isLeader"));
        Assert.True(Gauge(metrics, "consul.raft.applied_index") > 0);
        Assert.True(Gauge(metrics, "consul.raft.commit_index") >= Gauge(metrics, "consul.raft.applied_index"));
        Assert.True(Gauge(metrics, "consul.runtime.rss_bytes") > 0);
        Assert.True(Gauge(metrics, "consul.runtime.alloc_bytes") > 0);
        Assert.True(Gauge(metrics, "consul.runtime.total_alloc_bytes") >= Gauge(metrics, "consul.runtime.alloc_bytes"));
        Assert.Equal(0, Gauge(metrics, "consul.proxycfg.watched_proxies"));
        var nodes = gauges.Single(g => g.GetProperty("Name").GetString() == "consul.state.nodes");
        Assert.Equal("dc1", nodes.GetProperty("Labels").GetProperty("datacenter").GetString());
        Assert.True(nodes.GetProperty("Value").GetDouble() >= 1);
    }

    [Fact]
    public async Task GetMetrics_Json_CountersHaveEveryField()
    {
        var metrics = await _server.GetOkJsonAsync("/v1/agent/metrics");

        var counters = metrics.GetProperty("Counters").EnumerateArray().ToList();
        var names = counters.Select(c => c.GetProperty("Name").GetString()).ToList();
        Assert.Contains("consul.fsm.applies", names);
        Assert.Contains("consul.xds.server.acks", names);
        Assert.Contains("consul.xds.server.nacks", names);
        Assert.Contains("consul.proxycfg.builds", names);
        Assert.All(counters, counter =>
        {
            string[] fields = ["Name", "Count", "Rate", "Sum", "Min", "Max", "Mean", "Stddev", "Labels"];
            Assert.Equal(fields, counter.EnumerateObject().Select(p => p.Name));
        });
        var applies = counters.Single(c => c.GetProperty("Name").GetString() == "consul.fsm.applies");
        Assert.True(applies.GetProperty("Count").GetInt64() > 0);
        Assert.Equal(applies.GetProperty("Count").GetInt64(), applies.GetProperty("Sum").GetDouble());
        Assert.True(applies.GetProperty("Rate").GetDouble() > 0);
    }

    [Fact]
    public async Task RegisterService_AfterwardFsmAppliesAndInstancesGrow()
    {
        var before = await _server.GetOkJsonAsync("/v1/agent/metrics");

        await _server.PutOkAsync("/v1/agent/service/register", $$"""{"Name":"{{Unique.Name("metrics")}}","Port":8080}""");

        var after = await _server.GetOkJsonAsync("/v1/agent/metrics");
        Assert.True(CounterCount(after, "consul.fsm.applies") > CounterCount(before, "consul.fsm.applies"));
        Assert.True(Gauge(after, "consul.state.service_instances") > Gauge(before, "consul.state.service_instances"));
        Assert.True(Gauge(after, "consul.raft.applied_index") > Gauge(before, "consul.raft.applied_index"));
    }

    [Fact]
    public async Task GetMetrics_Prometheus_EveryLineParses()
    {
        using var response = await _server.Http.GetAsync("/v1/agent/metrics?format=prometheus");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            var type = TypeLine().Match(line);
            if (type.Success)
            {
                Assert.True(types.TryAdd(type.Groups["name"].Value, type.Groups["type"].Value), $"TYPE declared twice: {line}");
                continue;
            }

            var series = SeriesLine().Match(line);
            Assert.True(series.Success, $"not a Prometheus line: {line}");
            var name = series.Groups["name"].Value;
            var family = types.ContainsKey(name) ? name : SummarySuffix().Replace(name, string.Empty);
            Assert.True(types.ContainsKey(family), $"no TYPE before {line}");
            values[name + series.Groups["labels"].Value] = double.Parse(series.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal("gauge", types["consul_xds_server_streams"]);
        Assert.Equal("counter", types["consul_fsm_applies_total"]);
        Assert.Equal(1, values["consul_server_is_leader"]);
        Assert.True(values["consul_fsm_applies_total"] > 0);
        Assert.Contains(values.Keys, key => key.StartsWith("consul_state_nodes{datacenter=\"dc1\"}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("Prometheus")]
    public async Task GetMetrics_UnknownFormat_Returns400(string format)
    {
        using var response = await _server.Http.GetAsync($"/v1/agent/metrics?format={format}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("prometheus", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMetrics_Returns405()
    {
        using var response = await _server.Http.PutAsync("/v1/agent/metrics", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static double Gauge(JsonElement metrics, string name)
        => metrics.GetProperty("Gauges").EnumerateArray().Single(g => g.GetProperty("Name").GetString() == name).GetProperty("Value").GetDouble();

    private static long CounterCount(JsonElement metrics, string name)
        => metrics.GetProperty("Counters").EnumerateArray().Single(c => c.GetProperty("Name").GetString() == name).GetProperty("Count").GetInt64();

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>gauge|counter|summary|histogram|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"")*\})? (?<value>[-+]?(?:[0-9.eE+-]+|Inf|NaN))$")]
    private static partial Regex SeriesLine();

    [GeneratedRegex("_(sum|count)$")]
    private static partial Regex SummarySuffix();
}
