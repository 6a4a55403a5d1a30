using Grpc.Core;
using Mesh.Testing;
using Mesh.XdsServer.ConsulApi.ServerDiscovery;

namespace Mesh.XdsServer.Tests.ConsulApi;

/// <summary>
/// WatchServers on a 3-server cluster: the first message lists the ready servers; a fourth server joining and a server
/// removed each produce a new full list, while a watcher that never reads holds up nobody.
/// </summary>
public sealed class WatchServersClusterTests
{
    private static HashSet<string> Ids(WatchServersResponse response) => [.. response.Servers.Select(s => s.Id)];

    private static string IdOf(TestServer server) => server.Server.Runtime.Self.NodeId;

    private static string WanOf(int serverPort) => $"198.18.{serverPort / 256 % 256}.{serverPort % 256}";

    [Fact]
    public async Task AFourthServerJoining_AndAServerRemoved_AreReported()
    {
        // Each server advertises its own WAN address (never dialed here): a watcher asking for wan gets those.
        await using var cluster = await TestCluster.StartAsync(3, c => c with { AdvertiseWanAddress = WanOf(c.ServerPort) });
        var watched = cluster.Leader;
        using var clients = new ConsulApiClients(watched.Server.Config.GrpcPort);
        using var stalled = new ConsulApiClients(watched.Server.Config.GrpcPort);
        using var call = clients.Servers.WatchServers(new WatchServersRequest(), new CallOptions(deadline: DateTime.UtcNow.AddMinutes(3)));

        // A watcher that never reads its stream.
        using var neverRead = stalled.Servers.WatchServers(new WatchServersRequest(), new CallOptions(deadline: DateTime.UtcNow.AddMinutes(3)));

        var three = cluster.Running.Select(IdOf).ToHashSet();
        var first = await ConsulApiClients.ReadUntilAsync(call.ResponseStream, r => Ids(r).SetEquals(three));
        Assert.All(first.Servers, s => Assert.Equal("127.0.0.1", s.Address));
        Assert.All(first.Servers, s => Assert.NotEmpty(s.Version));

        using (var wanCall = clients.Servers.WatchServers(new WatchServersRequest { Wan = true }, new CallOptions(deadline: DateTime.UtcNow.AddMinutes(1))))
        {
            var wans = cluster.Running.ToDictionary(IdOf, s => WanOf(s.Server.Config.ServerPort));
            var wanFirst = await ConsulApiClients.ReadUntilAsync(wanCall.ResponseStream, r => Ids(r).SetEquals(three));
            Assert.All(wanFirst.Servers, s => Assert.Equal(wans[s.Id], s.Address));
        }

        var fourth = await cluster.AddServerAsync();
        await cluster.WaitForMembersAsync(4, TimeSpan.FromSeconds(60));
        var four = three.Append(IdOf(fourth)).ToHashSet();
        await ConsulApiClients.ReadUntilAsync(call.ResponseStream, r => Ids(r).SetEquals(four));

        var removed = cluster.Followers.First(s => s != fourth);
        var removedId = IdOf(removed);
        var address = $"127.0.0.1:{removed.Server.Config.ServerPort}";
        await cluster.StopAsync(removed);
        using (var response = await watched.Http.DeleteAsync($"/v1/operator/raft/peer?address={address}"))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var after = four.Where(id => id != removedId).ToHashSet();
        var last = await ConsulApiClients.ReadUntilAsync(call.ResponseStream, r => Ids(r).SetEquals(after));
        Assert.DoesNotContain(removedId, Ids(last));
    }
}
