using System.Net;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

[Collection(ClusterTestGroup.Name)]
public sealed class ClusterFormationTests
{
    [Fact]
    public async Task BootstrapExpect3_FormsOneClusterOfThreeVoters_SeenFromEveryServer()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        foreach (var server in cluster.Running)
        {
            var peers = await server.GetJsonAsync("/v1/status/peers");
            Assert.Equal(3, peers.GetArrayLength());
            var leader = (await server.GetJsonAsync("/v1/status/leader")).GetString();
            Assert.Equal($"127.0.0.1:{cluster.Leader.Server.Config.ServerPort}", leader);
        }

        // Node names come from each server's catalog registration, which reaches a follower's store shortly after the
        // cluster forms; wait for it rather than racing it.
        var follower = cluster.Followers.First();
        var configuration = await Eventually.ValueAsync(
            () => follower.GetJsonAsync("/v1/operator/raft/configuration"),
            c => c.GetProperty("Servers").EnumerateArray().All(s => s.GetProperty("Node").GetString() is { Length: > 0 }),
            TimeSpan.FromSeconds(15),
            "every server's node name in the raft configuration");
        var servers = configuration.GetProperty("Servers").EnumerateArray().ToList();
        Assert.Equal(3, servers.Count);
        Assert.Single(servers, s => s.GetProperty("Leader").GetBoolean());
        Assert.All(servers, s => Assert.True(s.GetProperty("Voter").GetBoolean()));
        Assert.Equal(
            cluster.Running.Select(s => s.NodeName).Order(),
            servers.Select(s => s.GetProperty("Node").GetString()).Order());
    }

    [Fact]
    public async Task WritesThroughEveryServer_AreForwardedAndVisibleOnEveryServer()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var i = 0;
        foreach (var server in cluster.Running)
        {
            using var response = await server.PutJsonAsync("/v1/catalog/register", $$$"""{"Node":"n{{{i}}}","Address":"10.0.0.{{{i}}}","Service":{"Service":"web","ID":"web{{{i}}}"}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            i++;
        }

        foreach (var server in cluster.Running)
        {
            // Default mode on a follower waits for the leader's commit index: all three writes are visible.
            using var response = await server.Http.GetAsync("/v1/catalog/service/web");
            var rows = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(3, rows.GetArrayLength());
            Assert.Equal("true", response.Headers.GetValues("X-Consul-KnownLeader").Single());
            Assert.True(long.Parse(response.Headers.GetValues("X-Consul-LastContact").Single()) >= 0);
        }

        var follower = cluster.Followers.First();
        using var stale = await follower.Http.GetAsync("/v1/catalog/service/web?stale");
        Assert.Equal("stale", stale.Headers.GetValues("X-Consul-Effective-Consistency").Single());
        using var consistent = await follower.Http.GetAsync("/v1/catalog/service/web?consistent");
        Assert.Equal("consistent", consistent.Headers.GetValues("X-Consul-Effective-Consistency").Single());
        Assert.Equal(3, JsonDocument.Parse(await consistent.Content.ReadAsStringAsync()).RootElement.GetArrayLength());

        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(10));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
    }

    [Fact]
    public async Task MismatchedBootstrapExpect_NeverBootstraps()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        var ports = new[] { FreePort.Next(), FreePort.Next() };
        var joins = ports.Select(p => $"127.0.0.1:{p}").ToList();
        Mesh.Agent.Hosting.AgentConfig Config(string dir, int port, int expect) => new()
        {
            Server = true, NodeName = $"m{port}", DataDir = dir, ServerPort = port, HttpPort = FreePort.Next(), GrpcPort = FreePort.Next(),
            BootstrapExpect = expect, RetryJoin = joins, RetryInterval = TimeSpan.FromMilliseconds(100),
        };
        await using var first = await TestServer.StartUnreadyAsync(Config(a.Path, ports[0], 2), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await using var second = await TestServer.StartUnreadyAsync(Config(b.Path, ports[1], 3), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Null(first.Server.Raft.Leader);
        Assert.Null(second.Server.Raft.Leader);

        // Without a leader a write fails with a clear error within a bounded time instead of hanging.
        var started = DateTime.UtcNow;
        using var write = await first.PutJsonAsync("/v1/catalog/register", """{"Node":"x","Address":"1.1.1.1"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Contains("leader", await write.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterTestGroup
{
    public const string Name = "clusters";
}
