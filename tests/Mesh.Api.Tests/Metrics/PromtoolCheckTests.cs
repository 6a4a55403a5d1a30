using System.Diagnostics;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Metrics;

/// <summary>
/// <c>promtool check metrics</c> on the Prometheus output of a server that served traffic (HTTP requests, Raft writes,
/// a leaf signing), and the same traffic in the JSON form's Samples under Consul's names.
/// </summary>
public sealed class PromtoolCheckTests
{
    [PromtoolFact]
    public async Task PrometheusOutput_OfAServerThatServedTraffic_PassesPromtool()
    {
        await using var server = await TestServer.StartAsync();
        await ServeTrafficAsync(server);

        using var response = await server.Http.GetAsync("/v1/agent/metrics?format=prometheus");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("consul_api_http_count{method=\"GET\",path=\"v1_catalog_services\"}", text, StringComparison.Ordinal);
        Assert.Contains("consul_api_http_count{method=\"PUT\",path=\"v1_agent_service_register\"}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE consul_raft_apply_total counter", text, StringComparison.Ordinal);
        Assert.Contains("consul_raft_commit_time_count", text, StringComparison.Ordinal);
        Assert.Contains("consul_connect_ca_leaf_sign_count", text, StringComparison.Ordinal);

        using var promtool = Process.Start(new ProcessStartInfo(Promtool.Path!, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await promtool.WaitForExitAsync(timeout.Token);
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics failed ({promtool.ExitCode}):\n{output}");
    }

    [Fact]
    public async Task JsonOutput_HasTimersAsSamples_UnderConsulsNames()
    {
        await using var server = await TestServer.StartAsync();
        await ServeTrafficAsync(server);

        var metrics = await server.GetOkJsonAsync("/v1/agent/metrics");
        var samples = metrics.GetProperty("Samples").EnumerateArray().ToList();
        var http = Assert.Single(samples, s => s.GetProperty("Name").GetString() == "consul.api.http"
            && s.GetProperty("Labels").GetProperty("path").GetString() == "v1_catalog_services");
        Assert.Equal("GET", http.GetProperty("Labels").GetProperty("method").GetString());
        Assert.True(http.GetProperty("Count").GetInt64() >= 2);
        Assert.Contains(samples, s => s.GetProperty("Name").GetString() == "consul.raft.commitTime" && s.GetProperty("Count").GetInt64() > 0);
        Assert.Contains(samples, s => s.GetProperty("Name").GetString() == "consul.raft.fsm.apply" && s.GetProperty("Count").GetInt64() > 0);
        Assert.Contains(samples, s => s.GetProperty("Name").GetString() == "consul.connect.ca.leaf_sign" && s.GetProperty("Count").GetInt64() > 0);
        Assert.Contains(samples, s => s.GetProperty("Name").GetString() == "consul.api.http"
            && s.GetProperty("Labels").GetProperty("path").GetString() == "v1_agent_connect_ca_leaf__");
        var counters = metrics.GetProperty("Counters").EnumerateArray();
        Assert.Contains(counters, c => c.GetProperty("Name").GetString() == "consul.raft.apply" && c.GetProperty("Count").GetInt64() > 0);
    }

    private static async Task ServeTrafficAsync(TestServer server)
    {
        var name = Unique.Name("prom");
        await server.PutOkAsync("/v1/agent/service/register", $$"""{"Name":"{{name}}","Port":8080}""");
        await server.GetOkJsonAsync("/v1/catalog/services");
        await server.GetOkJsonAsync("/v1/catalog/services");
        await server.GetOkJsonAsync($"/v1/health/service/{name}");
        var leaf = await server.GetOkJsonAsync($"/v1/agent/connect/ca/leaf/{name}");
        Assert.Equal(JsonValueKind.String, leaf.GetProperty("CertPEM").ValueKind);
        (await server.GetAsync("/v1/agent/service/no-such-id")).Expect(System.Net.HttpStatusCode.NotFound);
    }
}
