using System.Net;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>Transfer-leader, the replicated autopilot configuration and LastTerm on a real three-server cluster.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class OperatorClusterTests
{
    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(TestServer server, string path)
    {
        using var response = await server.Http.PostAsync(path, null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Autopilot health's body whatever its status (429 while a server is not yet healthy).</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(TestServer server)
    {
        using var response = await server.Http.GetAsync("/v1/operator/autopilot/health");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Every server known and healthy (under load the third one can still be joining when the cluster starts).</summary>
    private static async Task WaitHealthyAsync(TestCluster cluster)
    {
        foreach (var server in cluster.Running)
        {
            await Eventually.ValueAsync(() => HealthAsync(server), h => h.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "every server to report a healthy cluster");
        }
    }

    [Fact]
    public async Task TransferLeader_MovesLeadership_ToTheNamedServer_AndRefusesTheLeaderItself()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await WaitHealthyAsync(cluster);
        var leader = cluster.Leader;
        var follower = cluster.Followers.First();

        var toSelf = await PostAsync(follower, $"/v1/operator/raft/transfer-leader?id={leader.Server.Runtime.Self.NodeId}");
        Assert.Equal(HttpStatusCode.BadRequest, toSelf.Status);
        Assert.Contains("cannot transfer leadership to itself", toSelf.Body, StringComparison.Ordinal);

        // Asked through a follower (forwarded to the leader over RPC), to the other follower.
        var target = cluster.Followers.Last();
        // One call, no retry: leadership moving while the forwarded call is in flight is judged by who leads after.
        var moved = await PostAsync(follower, $"/v1/operator/raft/transfer-leader?id={target.Server.Runtime.Self.NodeId}");
        Assert.True(moved.Status == HttpStatusCode.OK, $"transfer-leader answered {moved.Status}: {moved.Body}");
        Assert.True(JsonDocument.Parse(moved.Body).RootElement.GetProperty("Success").GetBoolean());

        await TestCluster.WaitUntilAsync(() => target.Server.Raft.IsLeader, TimeSpan.FromSeconds(20), "the named server to lead");

        // Without an ID, through the CLI: leadership leaves the current leader.
        var result = await Cli.Cli.RunAsync("operator", "raft", "transfer-leader", "-http-addr", target.Http.BaseAddress!.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Success: true", result.Out.Trim());
        await TestCluster.WaitUntilAsync(() => cluster.Running.Any(s => s != target && s.Server.Raft.IsLeader), TimeSpan.FromSeconds(20), "another server to lead");

        // The cluster still takes writes.
        using var write = await cluster.Leader.PutJsonAsync("/v1/catalog/register", """{"Node":"after-transfer","Address":"10.0.0.9"}""");
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
    }

    [Fact]
    public async Task AutopilotConfiguration_IsReplicated_AndHealthReportsRealTerms()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await WaitHealthyAsync(cluster);
        var follower = cluster.Followers.First();
        using (var put = await follower.PutJsonAsync("/v1/operator/autopilot/configuration", """{"CleanupDeadServers":false,"LastContactThreshold":"1s","MaxTrailingLogs":100,"ServerStabilizationTime":"5s"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        foreach (var server in cluster.Running)
        {
            var config = await Eventually.ValueAsync(
                () => server.GetJsonAsync("/v1/operator/autopilot/configuration"),
                c => !c.GetProperty("CleanupDeadServers").GetBoolean(),
                TimeSpan.FromSeconds(15),
                "the configuration on every server");
            Assert.Equal("1s", config.GetProperty("LastContactThreshold").GetString());
        }

        var term = cluster.Leader.Server.Raft.Term;
        var health = await Eventually.ValueAsync(
            async () => (await HealthAsync(follower)).Body,
            h => h.GetProperty("Servers").EnumerateArray().All(s => s.GetProperty("LastTerm").GetInt64() > 0),
            TimeSpan.FromSeconds(15),
            "every server's term in autopilot health");
        Assert.All(health.GetProperty("Servers").EnumerateArray(), s => Assert.Equal(term, s.GetProperty("LastTerm").GetInt64()));
    }
}
