using System.Text;
using System.Text.Json;
using Mesh.Raft.Transport;
using Mesh.Server.Cluster;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>
/// Consistent reads on a follower go through the leader's read index (the leader confirms its leadership and applies
/// its whole log first), so a read that starts after a write was acknowledged anywhere sees that write.
/// </summary>
public sealed class ConsistentReadTests
{
    [Fact]
    public async Task ConsistentReadOnAFollower_SeesEveryWriteAcknowledgedBeforeIt()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = cluster.Leader;
        var followers = cluster.Followers.ToList();
        for (var i = 0; i < 20; i++)
        {
            // Acknowledged by the leader; then read at once through each follower.
            using (var write = await leader.Http.PutAsync("/v1/catalog/register", new StringContent(
                $$"""{"Node":"read-{{i}}","Address":"10.1.0.{{i + 1}}"}""", Encoding.UTF8, "application/json")))
            {
                Assert.True(write.IsSuccessStatusCode, await write.Content.ReadAsStringAsync());
            }

            foreach (var follower in followers)
            {
                using var read = await follower.Http.GetAsync($"/v1/catalog/node/read-{i}?consistent");
                Assert.True(read.IsSuccessStatusCode, $"read-{i} on a follower: {(int)read.StatusCode}");
                Assert.Equal("consistent", read.Headers.GetValues("X-Consul-Effective-Consistency").Single());
                var node = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("Node");
                Assert.Equal($"read-{i}", node.GetProperty("Node").GetString());
            }
        }
    }

    [Fact]
    public async Task ReadIndexRpc_LeaderAnswersItsAppliedIndex_AFollowerPointsToTheLeader()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = cluster.Leader;
        var follower = cluster.Followers.First();
        await using var rpc = new ServerRpc(new RpcClient());

        var fromLeader = await rpc.CallAsync<ReadIndexResponse>(leader.Server.Runtime.Self.ServerEndPoint, new ReadIndexRequest(), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(fromLeader.NotLeader);
        Assert.Null(fromLeader.Error);
        Assert.True(fromLeader.Index >= 1 && fromLeader.Index <= leader.Server.Fsm.Current.AppliedIndex, $"read index {fromLeader.Index}");

        var fromFollower = await rpc.CallAsync<ReadIndexResponse>(follower.Server.Runtime.Self.ServerEndPoint, new ReadIndexRequest(), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(fromFollower.NotLeader);
        Assert.Equal(ServerAddress.Format(leader.Server.Runtime.Self.ServerEndPoint), fromFollower.LeaderHint);
    }
}
