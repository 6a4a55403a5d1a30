using System.Net;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

[Collection(ClusterTestGroup.Name)]
public sealed class SnapshotInstallTests
{
    [Fact]
    public async Task LaggingFollowerAndNewServer_CatchUpThroughSnapshotInstall_AfterTheLogWasCompacted()
    {
        await using var cluster = await TestCluster.StartAsync(3, config => config with { SnapshotThreshold = 16 });
        var follower = cluster.Followers.First();
        var followerIndex = cluster.Servers.IndexOf(follower);
        await cluster.StopAsync(follower);

        for (var i = 0; i < 120; i++)
        {
            using var response = await cluster.Leader.PutJsonAsync("/v1/catalog/register", $$$"""{"Node":"compact{{{i}}}","Address":"10.5.0.1","Service":{"Service":"s{{{i % 7}}}"}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(cluster.Leader.Server.Raft.SnapshotsTaken > 0, "the leader should have taken Raft snapshots");

        var restarted = await cluster.RestartAsync(followerIndex);
        var fourth = await cluster.AddServerAsync();
        await cluster.WaitForMembersAsync(4, TimeSpan.FromSeconds(30));
        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(30));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
        Assert.NotNull(restarted.Server.Fsm.Current.FindNode("compact119"));
        Assert.NotNull(fourth.Server.Fsm.Current.FindNode("compact0"));
    }

    [Fact]
    public async Task RestartedSingleServer_LoadsItsSnapshotAndReplaysOnlyTheTail()
    {
        using var data = new TempDirectory();
        Mesh.Agent.Hosting.AgentConfig? config = null;
        string digest;
        await using (var server = await TestServer.StartAsync(c => config = c with { SnapshotThreshold = 16 }, data.Path))
        {
            for (var i = 0; i < 50; i++)
            {
                using var response = await server.PutJsonAsync("/v1/catalog/register", $$$"""{"Node":"r{{{i}}}","Address":"10.6.0.1"}""");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.True(server.Server.Raft.SnapshotsTaken >= 2);
            digest = Mesh.Fsm.State.StoreSnapshotCodec.ContentDigest(server.Server.Fsm.Current);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data.Path, "raft", "snapshots")));
        // Same node, same ports: the persisted membership names this server's address.
        await using var again = await TestServer.StartUnreadyAsync(config!, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await TestCluster.WaitUntilAsync(() => again.Server.Fsm.Current.FindNode("r49") is not null, TimeSpan.FromSeconds(10), "the restored state");
        Assert.Equal(digest, Mesh.Fsm.State.StoreSnapshotCodec.ContentDigest(again.Server.Fsm.Current));
    }
}
