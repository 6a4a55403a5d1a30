using Mesh.Fsm.Model;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Checks;

public sealed class HttpCheckTests
{
    [Fact]
    public async Task HttpCheck_200Then500_PassesThenGoesCritical()
    {
        await using var target = await HealthEndpoint.StartAsync();
        await using var server = await TestServer.StartAsync();
        target.Respond(200, "ok");
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"api","Port":{{{target.Port}}},"Check":{"HTTP":"{{{target.Url}}}","Interval":"200ms","Timeout":"2s"}}
            """);

        var passing = await AgentChecks.WaitForStatusAsync(server, "service:api", HealthStatus.Passing);
        Assert.Equal($"HTTP GET {target.Url}: 200 OK Output: ok", passing.Output);

        target.Respond(500, "down");
        var critical = await AgentChecks.WaitForStatusAsync(server, "service:api", HealthStatus.Critical);
        Assert.Equal($"HTTP GET {target.Url}: 500 Internal Server Error Output: down", critical.Output);
    }

    [Fact]
    public async Task HttpCheck_429_IsWarning()
    {
        await using var target = await HealthEndpoint.StartAsync();
        await using var server = await TestServer.StartAsync();
        target.Respond(429, "slow down");
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"busy","Check":{"CheckID":"busy-http","HTTP":"{{{target.Url}}}","Interval":"200ms"}}
            """);

        var warning = await AgentChecks.WaitForStatusAsync(server, "busy-http", HealthStatus.Warning);
        Assert.Equal($"HTTP GET {target.Url}: 429 Too Many Requests Output: slow down", warning.Output);
    }

    [Fact]
    public async Task HttpCheck_MethodHeaderAndBody_AreSent()
    {
        await using var target = await HealthEndpoint.StartAsync();
        await using var server = await TestServer.StartAsync();
        target.Respond(200, "posted");
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"poster","Check":{"CheckID":"poster-http","HTTP":"{{{target.Url}}}","Method":"POST",
             "Header":{"X-Probe":["yes"],"Content-Type":["application/json"]},"Body":"{\"ping\":1}","Interval":"200ms"}}
            """);

        var passing = await AgentChecks.WaitForStatusAsync(server, "poster-http", HealthStatus.Passing);
        Assert.Equal($"HTTP POST {target.Url}: 200 OK Output: posted", passing.Output);
        var seen = target.LastRequest!;
        Assert.Equal("POST", seen.Method);
        Assert.Equal("yes", seen.Headers["X-Probe"]);
        Assert.Equal("application/json", seen.Headers["Content-Type"]);
        Assert.Equal("Consul Health Check", seen.Headers["User-Agent"]);
        Assert.Equal("{\"ping\":1}", seen.Body);
    }

    [Fact]
    public async Task HttpCheck_LongBody_OutputKeepsFirst4KB()
    {
        await using var target = await HealthEndpoint.StartAsync();
        await using var server = await TestServer.StartAsync();
        target.Respond(200, new string('a', 4096) + "TAIL");
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"chatty","Check":{"CheckID":"chatty-http","HTTP":"{{{target.Url}}}","Interval":"200ms"}}
            """);

        var passing = await AgentChecks.WaitForStatusAsync(server, "chatty-http", HealthStatus.Passing);
        Assert.EndsWith("Output: " + new string('a', 4096), passing.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpCheck_NothingListening_IsCriticalWithDialError()
    {
        await using var server = await TestServer.StartAsync();
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}/health";
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"gone","Check":{"CheckID":"gone-http","HTTP":"{{{url}}}","Interval":"200ms"}}
            """);

        var check = await Eventually.ValueAsync(
            () => AgentChecks.ReadAsync(server, "gone-http"), c => c.Output.Length > 0, TimeSpan.FromSeconds(15), "a probe result");
        Assert.Equal(HealthStatus.Critical, check.Status);
        Assert.Equal($"Get \"{url}\": dial tcp 127.0.0.1:{port}: connect: connection refused", check.Output);
    }
}
