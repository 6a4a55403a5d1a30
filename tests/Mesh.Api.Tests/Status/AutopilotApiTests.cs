using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Status;

/// <summary>Autopilot configuration/state, transfer-leader and usage on a single server.</summary>
public sealed class AutopilotApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Configuration_PutWithCas_AsConsul()
    {
        var initial = await _server.GetOkJsonAsync("/v1/operator/autopilot/configuration");
        foreach (var field in new[] { "CleanupDeadServers", "LastContactThreshold", "MaxTrailingLogs", "MinQuorum", "ServerStabilizationTime", "RedundancyZoneTag", "DisableUpgradeMigration", "UpgradeVersionTag", "CreateIndex", "ModifyIndex" })
        {
            Assert.True(initial.TryGetProperty(field, out _), field);
        }

        var body = """{"CleanupDeadServers":false,"LastContactThreshold":"300ms","MaxTrailingLogs":500,"MinQuorum":3,"ServerStabilizationTime":"15s"}""";
        Assert.Equal("true", (await _server.PutOkAsync("/v1/operator/autopilot/configuration", body)).Body.Trim());
        var written = await _server.GetOkJsonAsync("/v1/operator/autopilot/configuration");
        Assert.False(written.GetProperty("CleanupDeadServers").GetBoolean());
        Assert.Equal("300ms", written.GetProperty("LastContactThreshold").GetString());
        Assert.Equal(500, written.GetProperty("MaxTrailingLogs").GetInt64());
        Assert.Equal(3, written.GetProperty("MinQuorum").GetInt32());
        Assert.Equal("15s", written.GetProperty("ServerStabilizationTime").GetString());
        var modifyIndex = written.GetProperty("ModifyIndex").GetInt64();
        Assert.True(modifyIndex > 0);
        Assert.False(_server.Server.Runtime.Cluster!.Configuration.CleanupDeadServers); // the monitor reads the replicated value

        // A stale CAS answers false and changes nothing; the current index answers true.
        var stale = await _server.PutOkAsync($"/v1/operator/autopilot/configuration?cas={modifyIndex - 1}", """{"CleanupDeadServers":true}""");
        Assert.Equal("false", stale.Body.Trim());
        Assert.False((await _server.GetOkJsonAsync("/v1/operator/autopilot/configuration")).GetProperty("CleanupDeadServers").GetBoolean());
        var current = await _server.PutOkAsync($"/v1/operator/autopilot/configuration?cas={modifyIndex}", """{"CleanupDeadServers":true,"LastContactThreshold":"200ms","MaxTrailingLogs":250,"ServerStabilizationTime":"10s"}""");
        Assert.Equal("true", current.Body.Trim());
        Assert.True((await _server.GetOkJsonAsync("/v1/operator/autopilot/configuration")).GetProperty("CleanupDeadServers").GetBoolean());
    }

    [Theory]
    [InlineData("?cas=abc", """{"CleanupDeadServers":true}""", "Error parsing cas value")]
    [InlineData("", """{"LastContactThreshold":"soon"}""", "Error parsing autopilot config")]
    [InlineData("", """{"MaxTrailingLogs":-1}""", "Error parsing autopilot config")]
    [InlineData("", "not json", "Error parsing autopilot config")]
    public async Task Configuration_BadInput_Is400AndChangesNothing(string query, string body, string message)
    {
        var before = _server.Digest();
        var result = (await _server.PutAsync("/v1/operator/autopilot/configuration" + query, body)).Expect(HttpStatusCode.BadRequest);
        Assert.Contains(message, result.Body, StringComparison.Ordinal);
        Assert.Equal(before, _server.Digest());
    }

    [Fact]
    public async Task State_ListsThisServerAsLeaderWithItsTerm()
    {
        var state = await _server.GetOkJsonAsync("/v1/operator/autopilot/state");
        var id = _server.Server.Runtime.Self.NodeId;
        Assert.Equal(id, state.GetProperty("Leader").GetString());
        Assert.Equal([id], state.GetProperty("Voters").Strings());
        var self = state.GetProperty("Servers").GetProperty(id);
        Assert.Equal("leader", self.GetProperty("Status").GetString());
        Assert.Equal("alive", self.GetProperty("NodeStatus").GetString());
        Assert.Equal("voter", self.GetProperty("NodeType").GetString());
        Assert.Equal(_server.Server.Runtime.Raft.Term, self.GetProperty("LastTerm").GetInt64());
        Assert.True(self.GetProperty("LastTerm").GetInt64() > 0);

        var health = await _server.GetOkJsonAsync("/v1/operator/autopilot/health");
        Assert.True(health.GetProperty("Servers")[0].GetProperty("LastTerm").GetInt64() > 0);
    }

    [Fact]
    public async Task TransferLeader_OnTheOnlyServer_IsRefused()
    {
        var self = _server.Server.Runtime.Self.NodeId;
        var toSelf = (await _server.SendAsync(HttpMethod.Post, $"/v1/operator/raft/transfer-leader?id={self}")).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("cannot transfer leadership to itself", toSelf.Body, StringComparison.Ordinal);
        var unknown = (await _server.SendAsync(HttpMethod.Post, "/v1/operator/raft/transfer-leader?id=nope")).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("\"nope\" was not found", unknown.Body, StringComparison.Ordinal);
        var alone = (await _server.SendAsync(HttpMethod.Post, "/v1/operator/raft/transfer-leader")).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("cannot find peer", alone.Body, StringComparison.Ordinal);
        Assert.True(_server.Server.Runtime.Raft.IsLeader);
    }

    [Fact]
    public async Task Usage_CountsServicesInstancesAndProxies()
    {
        var name = Unique.Name("usage");
        await _server.PutOkAsync("/v1/agent/service/register", "{\"Name\":\"" + name + "\",\"Port\":80,\"Connect\":{\"SidecarService\":{}}}");
        var usage = await _server.GetOkJsonAsync("/v1/operator/usage");
        var dc = usage.GetProperty("Usage").GetProperty(_server.Server.Runtime.Self.Datacenter);
        var state = _server.Server.Fsm.Current;
        Assert.Equal(state.Services.Count, dc.GetProperty("ServiceInstances").GetInt32());
        Assert.Equal(state.Nodes.Count, dc.GetProperty("Nodes").GetInt32());
        Assert.True(dc.GetProperty("ConnectServiceInstances").GetProperty("connect-proxy").GetInt32() >= 1);
        Assert.True(dc.GetProperty("BillableServiceInstances").GetInt32() >= 1);
        Assert.True(usage.GetProperty("KnownLeader").GetBoolean());
        Assert.Equal("leader", usage.GetProperty("ConsistencyLevel").GetString());
    }
}
