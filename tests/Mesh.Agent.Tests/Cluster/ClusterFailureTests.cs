using System.Net;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

[Collection(ClusterTestGroup.Name)]
public sealed class ClusterFailureTests
{
    [Fact]
    public async Task LeaderStops_DuringWrites_NewLeaderServesAndNoAcknowledgedWriteIsLost()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var followers = cluster.Followers.ToList();
        var writers = followers.Select((server, w) => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var node = $"w{w}-{i}";
                try
                {
                    using var response = await server.PutJsonAsync("/v1/catalog/register", $$"""{"Node":"{{node}}","Address":"10.1.0.1"}""");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(node);
                    }
                }
                catch (HttpRequestException)
                {
                }
            }
        })).ToList();

        await Task.Delay(500);
        var oldLeader = cluster.Leader;
        await cluster.StopAsync(oldLeader);
        await TestCluster.WaitUntilAsync(() => cluster.Running.Any(s => s.Server.Raft.IsLeader), TimeSpan.FromSeconds(15), "a new leader");
        var before = acknowledged.Count;
        await TestCluster.WaitUntilAsync(() => acknowledged.Count > before + 20, TimeSpan.FromSeconds(20), "writes to continue under the new leader");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
        foreach (var server in cluster.Running)
        {
            var state = server.Server.Fsm.Current;
            Assert.All(acknowledged, node => Assert.NotNull(state.FindNode(node)));
        }
    }

    [Fact]
    public async Task FollowerRestartedFromDataDir_CatchesUp_AndFourthServerJoins_AndDeadServerIsRemoved()
    {
        await using var cluster = await TestCluster.StartAsync(3, config => config with
        {
            Autopilot = new Mesh.Server.Cluster.AutopilotOptions { Interval = TimeSpan.FromMilliseconds(250), DeadServerThreshold = TimeSpan.FromSeconds(3) },
        });
        var follower = cluster.Followers.First();
        var followerIndex = cluster.Servers.IndexOf(follower);
        await cluster.StopAsync(follower);
        for (var i = 0; i < 30; i++)
        {
            using var response = await cluster.Leader.PutJsonAsync("/v1/catalog/register", $$"""{"Node":"late{{i}}","Address":"10.2.0.1"}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await cluster.RestartAsync(followerIndex);
        var settled = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(20));
        Assert.Single(settled.Select(d => d.Digest).Distinct());
        Assert.NotNull(cluster.Servers[followerIndex]!.Server.Fsm.Current.FindNode("late29"));

        var fourth = await cluster.AddServerAsync();
        await cluster.WaitForMembersAsync(4, TimeSpan.FromSeconds(30));
        Assert.NotNull(fourth.Server.Fsm.Current.FindNode("late29"));

        // Autopilot removes a server that stays unreachable past the threshold (3 of 4 remain, a safe quorum).
        var victim = cluster.Followers.First(s => s != fourth);
        var victimAddress = $"127.0.0.1:{victim.Server.Config.ServerPort}";
        await cluster.StopAsync(victim);
        await cluster.WaitForMembersAsync(3, TimeSpan.FromSeconds(30));
        var peers = await cluster.Leader.GetJsonAsync("/v1/status/peers");
        Assert.DoesNotContain(victimAddress, peers.EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task RemovePeer_ByAddress_ShrinksTheConfiguration_AndBadInputIsRejected()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = cluster.Leader;
        using (var both = await leader.Http.DeleteAsync("/v1/operator/raft/peer?id=a&address=b"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        }

        using (var unknown = await leader.Http.DeleteAsync("/v1/operator/raft/peer?address=127.0.0.1:1"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("not found", await unknown.Content.ReadAsStringAsync());
        }

        var victim = cluster.Followers.First();
        var address = $"127.0.0.1:{victim.Server.Config.ServerPort}";
        await cluster.StopAsync(victim);

        // Sent to a follower: it is carried out by the leader.
        var follower = cluster.Followers.First();
        using (var removed = await follower.Http.DeleteAsync($"/v1/operator/raft/peer?address={address}"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        await cluster.WaitForMembersAsync(2, TimeSpan.FromSeconds(15));
        var health = await cluster.Leader.GetJsonAsync("/v1/operator/autopilot/health");
        Assert.Equal(2, health.GetProperty("Servers").GetArrayLength());
    }

    [Fact]
    public async Task QuorumLost_WritesFailFastWithAClearError()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var survivor = cluster.Followers.First();
        foreach (var other in cluster.Running.Where(s => s != survivor).ToList())
        {
            await cluster.StopAsync(other);
        }

        var started = DateTime.UtcNow;
        using var response = await survivor.PutJsonAsync("/v1/catalog/register", """{"Node":"x","Address":"1.1.1.1"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("leader", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(40));

        // Stale reads still answer from local state.
        using var stale = await survivor.Http.GetAsync("/v1/catalog/nodes?stale");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("stale", stale.Headers.GetValues("X-Consul-Effective-Consistency").Single());
    }
}
