using System.Net;
using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Api.Tests.Support;
using Mesh.Testing;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Tests.Agent;

/// <summary>
/// The agent endpoints of item 4 of issue 17 on one real server: the <c>consul</c> service of the server itself,
/// version, host, self (DebugConfig, Stats, bootstrap tag), monitor, reload, join/force-leave/leave input checks.
/// </summary>
public sealed class AgentMembershipEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task CatalogAndHealth_ListTheServerAsServiceConsul_OnTheServerPort()
    {
        var rows = await PollAsync(() => _server.GetOkJsonAsync("/v1/catalog/service/consul"), r => r.GetArrayLength() == 1);
        var row = rows[0];
        Assert.Equal(_server.NodeName, row.GetProperty("Node").GetString());
        Assert.Equal("consul", row.GetProperty("ServiceID").GetString());
        Assert.Equal(_server.Server.Config.ServerPort, row.GetProperty("ServicePort").GetInt32());
        Assert.Equal("3", row.GetProperty("ServiceMeta").GetProperty("raft_version").GetString());

        var healthy = await _server.GetOkJsonAsync("/v1/health/service/consul?passing");
        Assert.Equal(1, healthy.GetArrayLength());
        Assert.Contains(healthy[0].GetProperty("Checks").EnumerateArray(), c => c.GetProperty("CheckID").GetString() == "serfHealth" && c.GetProperty("Status").GetString() == "passing");
        Assert.Contains("consul", (await _server.GetOkJsonAsync("/v1/catalog/services")).Names());
    }

    [Fact]
    public async Task Version_AnswersConsulsShape()
    {
        var version = await _server.GetOkJsonAsync("/v1/agent/version");
        Assert.Equal("1.20.0", version.GetProperty("HumanVersion").GetString());
        Assert.Equal(JsonValueKind.String, version.GetProperty("SHA").ValueKind);
        Assert.Equal(JsonValueKind.String, version.GetProperty("BuildDate").ValueKind);
    }

    [Fact]
    public async Task Host_ReportsMemoryCpuHostAndDisk()
    {
        var host = await _server.GetOkJsonAsync("/v1/agent/host");
        Assert.True(host.GetProperty("Memory").GetProperty("total").GetInt64() > 0);
        Assert.True(host.GetProperty("CPU").GetArrayLength() > 0);
        Assert.Equal(Environment.MachineName, host.GetProperty("Host").GetProperty("hostname").GetString());
        Assert.True(host.GetProperty("Disk").TryGetProperty("path", out _));
        Assert.True(host.GetProperty("CollectionTime").GetInt64() > 0);
    }

    [Fact]
    public async Task Self_HasDebugConfigStatsAndTheBootstrapTag()
    {
        var self = await _server.GetOkJsonAsync("/v1/agent/self");
        var debug = self.GetProperty("DebugConfig");
        Assert.Equal("127.0.0.1", debug.GetProperty("AdvertiseAddrLAN").GetString());
        Assert.Equal(_server.Server.Config.GrpcPort, debug.GetProperty("GRPCPort").GetInt32());
        Assert.Equal(-1, debug.GetProperty("GRPCTLSPort").GetInt32());
        Assert.Equal(_server.Server.Config.HttpPort, debug.GetProperty("HTTPPort").GetInt32());
        Assert.True(debug.GetProperty("ServerMode").GetBoolean());
        Assert.Equal("1", self.GetProperty("Member").GetProperty("Tags").GetProperty("bootstrap").GetString());
        Assert.Equal("Leader", self.GetProperty("Stats").GetProperty("raft").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Monitor_StreamsLogLines_TextAndJson()
    {
        var text = await FirstMonitorLineAsync("/v1/agent/monitor?loglevel=info", "Reloaded the configuration");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[INFO\]  .+: Reloaded the configuration", text);

        var json = await FirstMonitorLineAsync("/v1/agent/monitor?loglevel=debug&logjson", "Reloaded the configuration");
        using var document = JsonDocument.Parse(json);
        Assert.Equal("info", document.RootElement.GetProperty("@level").GetString());
        Assert.Contains("Reloaded the configuration", document.RootElement.GetProperty("@message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_UnknownLevel_Is400()
    {
        var result = await _server.GetAsync("/v1/agent/monitor?loglevel=loud");
        result.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("Unknown log level: loud", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_RereadsTheLogLevel_AndABadFileChangesNothing()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "agent.json");
        var baseline = _server.Server.Config;
        _server.Server.ReloadSource = () => AgentConfigFile.Apply(baseline, file);
        try
        {
            await File.WriteAllTextAsync(file, """{"log_level":"debug"}""");
            await _server.PutOkAsync("/v1/agent/reload");
            Assert.Equal(LogLevel.Debug, _server.Server.LogLevel);

            await File.WriteAllTextAsync(file, """{"log_level":"debug","no_such_key":1}""");
            var refused = await _server.PutAsync("/v1/agent/reload");
            refused.Expect(HttpStatusCode.BadRequest);
            Assert.Contains("no_such_key", refused.Body, StringComparison.Ordinal);
            Assert.Equal(LogLevel.Debug, _server.Server.LogLevel);

            await File.WriteAllTextAsync(file, """{"log_level":"info"}""");
            await _server.PutOkAsync("/v1/agent/reload");
            Assert.Equal(LogLevel.Information, _server.Server.LogLevel);
        }
        finally
        {
            _server.Server.ReloadSource = null;
        }
    }

    [Fact]
    public async Task ForceLeave_UnknownNodeIs404_SelfIs400()
    {
        (await _server.PutAsync("/v1/agent/force-leave/no-such-node")).Expect(HttpStatusCode.NotFound);
        var self = await _server.PutAsync($"/v1/agent/force-leave/{_server.NodeName}");
        self.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("use leave", self.Body, StringComparison.Ordinal);
        Assert.Single(_server.Server.Raft.Members);
    }

    [Fact]
    public async Task Join_BadOrUnreachableAddress_Is400_WanIs400()
    {
        var unreachable = await _server.PutAsync($"/v1/agent/join/127.0.0.1:{FreePort.Next()}");
        unreachable.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("Error joining address", unreachable.Body, StringComparison.Ordinal);
        (await _server.PutAsync("/v1/agent/join/127.0.0.1:99999")).Expect(HttpStatusCode.BadRequest);
        (await _server.PutAsync($"/v1/agent/join/127.0.0.1:{_server.Server.Config.ServerPort}?wan=1")).Expect(HttpStatusCode.BadRequest);

        // Joining itself is a no-op success, as a repeated Consul join is.
        await _server.PutOkAsync($"/v1/agent/join/127.0.0.1:{_server.Server.Config.ServerPort}");
        (await _server.GetAsync("/v1/agent/join/x")).Expect(HttpStatusCode.MethodNotAllowed);
    }

    private async Task<string> FirstMonitorLineAsync(string path, string wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var reload = Task.Run(async () =>
        {
            while (!timeout.IsCancellationRequested)
            {
                using var reloaded = await _server.Http.PutAsync("/v1/agent/reload", null, timeout.Token);
                await Task.Delay(200, timeout.Token);
            }
        }, timeout.Token);
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Contains(wanted, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        finally
        {
            await timeout.CancelAsync();
            try
            {
                await reload;
            }
            catch (OperationCanceledException)
            {
            }
        }

        throw new Xunit.Sdk.XunitException("The monitor stream ended without the line");
    }

    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var last = await read();
        while (!done(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            last = await read();
        }

        Assert.True(done(last), $"Condition not met; last: {last}");
        return last;
    }
}

/// <summary>The same endpoints with ACLs on (default deny): each needs its permission.</summary>
public sealed class AgentMembershipAclTests
{
    [Fact]
    public async Task DefaultDeny_EachEndpointNeedsItsPermission()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var node = server.NodeName;
        var agentRead = await AclTestTokens.CreateAsync(server, $$"""agent "{{node}}" { policy = "read" }""");
        var agentWrite = await AclTestTokens.CreateAsync(server, $$"""agent "{{node}}" { policy = "write" }""");
        var operatorRead = await AclTestTokens.CreateAsync(server, """operator = "read" """);

        async Task<HttpStatusCode> Call(HttpMethod method, string path, string? token)
            => (await server.SendAsync(method, path, configure: request =>
            {
                if (token is not null)
                {
                    request.Headers.Add("X-Consul-Token", token);
                }
            })).Status;

        foreach (var path in new[] { $"/v1/agent/force-leave/{node}", "/v1/agent/join/127.0.0.1:1", "/v1/agent/reload", "/v1/agent/leave" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Put, path, null));
            Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Put, path, agentRead));
        }

        // With agent:write the request gets past the ACL check (and then its own answer).
        Assert.Equal(HttpStatusCode.BadRequest, await Call(HttpMethod.Put, $"/v1/agent/force-leave/{node}", agentWrite));

        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Get, "/v1/agent/self", null));
        Assert.Equal(HttpStatusCode.OK, await Call(HttpMethod.Get, "/v1/agent/self", agentRead));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Get, "/v1/agent/monitor?loglevel=loud", null));
        Assert.Equal(HttpStatusCode.BadRequest, await Call(HttpMethod.Get, "/v1/agent/monitor?loglevel=loud", agentRead));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(HttpMethod.Get, "/v1/agent/host", agentRead));
        Assert.Equal(HttpStatusCode.OK, await Call(HttpMethod.Get, "/v1/agent/host", operatorRead));
        Assert.Equal(HttpStatusCode.OK, await Call(HttpMethod.Get, "/v1/agent/version", null));
        Assert.False(server.Server.ShutdownRequested.IsCancellationRequested);
    }
}
