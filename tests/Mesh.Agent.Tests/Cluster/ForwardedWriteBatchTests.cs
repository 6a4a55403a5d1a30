using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Raft;
using Mesh.Raft.Transport;
using Mesh.Server.Access;
using Mesh.Server.Cluster;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>
/// Writes a follower forwards while earlier ones are in flight travel to the leader together (issue 18 item 2); each
/// is still checked against its own token and answered with its own index or error.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ForwardedWriteBatchTests
{
    private static RegisterCommand Registration(string node, string service) => new()
    {
        Node = node,
        NodeId = Guid.NewGuid().ToString(),
        Address = "10.0.0.1",
        Datacenter = "dc1",
        Service = new NodeService { Id = service + "1", Service = service, Port = 8080 },
    };

    [Fact]
    public async Task ManyConcurrentForwardedWrites_TravelInBatches_AndEachGetsItsOwnAnswerForItsOwnToken()
    {
        await using var cluster = await TestCluster.StartAsync(3, config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var leader = cluster.Leader;
        var webWriter = await AclTestTokens.CreateAsync(leader, """service "web" { policy = "write" } node_prefix "b" { policy = "write" }""");
        var dbWriter = await AclTestTokens.CreateAsync(leader, """service "db" { policy = "write" } node_prefix "b" { policy = "write" }""");

        // Group commit is off by default (MESH_PROPOSE_BATCH=1): on here, so a forwarded batch also shares log entries.
        foreach (var server in cluster.Running)
        {
            server.Server.Runtime.Commands.GroupProposals = true;
        }

        await TestCluster.WaitUntilAsync(() => leader.Server.Runtime.Commands.GroupsEntries, TimeSpan.FromSeconds(15), "the followers to advertise grouped entries");
        await using var rpc = new ServerRpc(new RpcClient());
        var forwarder = new LeaderForwarder(new LeaderRpc(rpc));
        var leaderEndPoint = leader.Server.Runtime.Self.ServerEndPoint;

        // 200 writes issued at once: all but the first ones queue behind the requests in flight and leave in batches.
        // Two tokens, two services, mixed within each batch: a write is allowed only when its own token covers its service.
        const int Writes = 200;
        static string Service(int i) => i % 4 is 0 or 3 ? "web" : "db";
        string Token(int i) => i % 4 is 0 or 1 ? webWriter : dbWriter;
        static bool Allowed(int i) => i % 4 is 0 or 2;
        var calls = Enumerable.Range(0, Writes)
            .Select(i => forwarder.ForwardAsync(leaderEndPoint, Registration($"b{i}", Service(i)), new RequestToken(Token(i)), CancellationToken.None).AsTask())
            .ToList();
        var results = await Task.WhenAll(calls);

        Assert.True(forwarder.BatchesSent < Writes, $"{forwarder.BatchesSent} requests for {Writes} writes: nothing was batched");
        var state = leader.Server.Fsm.Current;
        for (var i = 0; i < Writes; i++)
        {
            if (Allowed(i))
            {
                Assert.True(results[i].Succeeded, $"write {i}: {results[i].Error}");
                Assert.NotNull(state.FindService($"b{i}", Service(i) + "1"));
            }
            else
            {
                Assert.Equal(ApplyErrorKind.PermissionDenied, results[i].ErrorKind);
                Assert.Contains($"lacks permission 'service:write' on \"{Service(i)}\"", results[i].Error, StringComparison.Ordinal);
                Assert.Null(state.FindNode($"b{i}"));
            }
        }

        // Each accepted write is answered with its own result and the index of the entry it was applied at; the
        // leader writes a forwarded batch as few log entries (group commit), so writes share indexes.
        var indexes = results.Where(r => r.Succeeded).Select(r => r.Index).ToList();
        Assert.All(indexes, index => Assert.True(index > 0));
        Assert.True(indexes.Distinct().Count() < indexes.Count, "the leader wrote every forwarded write as its own entry");
        Assert.All(Enumerable.Range(0, Writes).Where(Allowed), i => Assert.Equal(results[i].Index, state.FindNode($"b{i}")!.ModifyIndex));

        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
    }

    [Fact]
    public async Task ConcurrentWritesThroughAFollowersHttpApi_AreAllAcknowledgedAndPresentOnEveryServer()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var follower = cluster.Followers.First();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            using var content = new StringContent($$"""{"Node":"f{{i}}","Address":"10.2.0.1"}""", Encoding.UTF8, "application/json");
            using var response = await follower.Http.PutAsync("/v1/catalog/register", content);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
        foreach (var server in cluster.Running)
        {
            Assert.All(Enumerable.Range(0, 64), i => Assert.NotNull(server.Server.Fsm.Current.FindNode($"f{i}")));
        }
    }

    [Fact]
    public async Task WritesInABatchSentButUnanswered_AreEachReportedAsMayHaveApplied_AndAnUnreachableLeaderAsSafeToRetry()
    {
        // A "leader" that reads each request and then dies without answering: whatever it was sent may have applied.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var dying = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                var buffer = new byte[64 * 1024];
                var read = 0;
                while (read < 5 && await connection.GetStream().ReadAsync(buffer.AsMemory(read), stop.Token) is var n and > 0)
                {
                    read += n; // the protocol byte and a frame header at least: the request left the follower
                }
            }
        });

        await using var rpc = new ServerRpc(new RpcClient());
        var forwarder = new LeaderForwarder(new LeaderRpc(rpc));
        var calls = Enumerable.Range(0, 50)
            .Select(i => forwarder.ForwardAsync(listener.LocalEndpoint, Registration($"u{i}", "web"), RequestToken.Anonymous, CancellationToken.None).AsTask())
            .ToList();
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<NoLeaderException>(() => call);
            Assert.True(error.MayHaveApplied, error.Message);
        }

        Assert.True(forwarder.BatchesSent < calls.Count, $"{forwarder.BatchesSent} requests for {calls.Count} writes: nothing was batched");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying);

        // Nobody listens there any more: nothing was sent, so each write may be retried (the pipeline does, at the next leader).
        listener.Stop();
        var unreachable = Enumerable.Range(0, 20)
            .Select(i => forwarder.ForwardAsync(listener.LocalEndpoint, Registration($"r{i}", "web"), RequestToken.Anonymous, CancellationToken.None).AsTask())
            .ToList();
        foreach (var call in unreachable)
        {
            await Assert.ThrowsAsync<Mesh.Server.LeaderUnreachableException>(() => call);
        }
    }
}
