using System.Net;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

[Collection(ClusterTestGroup.Name)]
public sealed class RemovedServerRejoinTests
{
    [Fact]
    public async Task ServerRemovedWhileDown_RestartedWithItsDataDir_IsAddedBack_WithoutRaisingTheLeadersTerm()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = cluster.Leader;
        var follower = cluster.Followers.First();
        var index = cluster.Servers.IndexOf(follower);
        var address = $"127.0.0.1:{follower.Server.Config.ServerPort}";

        await cluster.StopAsync(follower);
        using (var removed = await leader.Http.DeleteAsync($"/v1/operator/raft/peer?address={address}"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        await TestCluster.WaitUntilAsync(() => cluster.Running.All(s => s.Server.Raft.Members.Count == 2), TimeSpan.FromSeconds(15), "the removal to reach both servers");
        using (var write = await leader.PutJsonAsync("/v1/catalog/register", """{"Node":"while-removed","Address":"10.9.0.1"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }

        var termBefore = leader.Server.Raft.Term;
        var returning = await cluster.RestartAsync(index);

        // It is added back: three voters everywhere, one leader known to all, and its stale reads catch up.
        await cluster.WaitForMembersAsync(3, TimeSpan.FromSeconds(60));
        Assert.False(string.IsNullOrEmpty((await returning.GetJsonAsync("/v1/status/leader")).GetString()));
        await TestCluster.WaitUntilAsync(() => returning.Server.Fsm.Current.FindNode("while-removed") is not null, TimeSpan.FromSeconds(30), "the returning server to apply writes made while it was removed");
        using (var later = await leader.PutJsonAsync("/v1/catalog/register", """{"Node":"after-rejoin","Address":"10.9.0.2"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }

        await TestCluster.WaitUntilAsync(() => returning.Server.Fsm.Current.FindNode("after-rejoin") is not null, TimeSpan.FromSeconds(30), "stale reads on the returning server to advance");
        var peers = await leader.GetJsonAsync("/v1/operator/raft/configuration");
        var servers = peers.GetProperty("Servers").EnumerateArray().ToList();
        Assert.Equal(3, servers.Count);
        Assert.All(servers, s => Assert.True(s.GetProperty("Voter").GetBoolean()));
        Assert.Contains(servers, s => s.GetProperty("Address").GetString() == address);

        // The removed server stood by instead of campaigning: the leader kept its leadership and its term.
        Assert.True(leader.Server.Raft.IsLeader, "the leader was forced to step down by the returning server");
        Assert.Equal(termBefore, leader.Server.Raft.Term);
        Assert.False(returning.Server.Raft.IsStandby);
        Assert.True(termBefore > 0);
    }
}
