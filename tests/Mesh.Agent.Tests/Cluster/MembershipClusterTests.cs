using System.Net;
using System.Text.Json;
using Mesh.Agent.Tests.Cli;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>
/// Servers in the catalog as service <c>consul</c> (registered by the leader), and the membership commands against a
/// real cluster: join (a fresh server joins through <c>mesh join</c>), leave, force-leave of a stopped server.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class MembershipClusterTests
{
    [Fact]
    public async Task ConsulService_ListsLiveServers_FailedOneTurnsCritical_ForceLeftOneIsDropped()
    {
        // Each server advertises a WAN address of its own (advertise_addr_wan): the leader registers it as the node's wan tagged address.
        static string WanOf(int serverPort) => $"198.18.{serverPort / 256 % 256}.{serverPort % 256}";
        await using var cluster = await TestCluster.StartAsync(3, c => c with { AdvertiseWanAddress = WanOf(c.ServerPort) });
        var leader = cluster.Leader;
        var rows = await ConsulRowsAsync(leader, 3);

        // A server's WAN address reaches the leader with its first status answer, which may come after the leader
        // registered it under its LAN address: the next reconcile round corrects it.
        var expectedWan = cluster.Running.Select(s => (s.NodeName, WanOf(s.Server.Config.ServerPort))).Order().ToList();
        var withWan = await Eventually.ValueAsync(
            () => leader.GetJsonAsync("/v1/catalog/service/consul"),
            r => r.EnumerateArray().Select(row => (row.GetProperty("Node").GetString()!, row.GetProperty("TaggedAddresses").GetProperty("wan").GetString()!)).Order().SequenceEqual(expectedWan),
            TimeSpan.FromSeconds(30),
            "every server's wan tagged address");
        rows = [.. withWan.EnumerateArray()];
        Assert.Equal(
            cluster.Running.Select(s => (s.NodeName, s.Server.Config.ServerPort)).Order(),
            rows.Select(r => (r.GetProperty("Node").GetString()!, r.GetProperty("ServicePort").GetInt32())).Order());
        Assert.Equal(
            cluster.Running.Select(s => (s.NodeName, WanOf(s.Server.Config.ServerPort))).Order(),
            rows.Select(r => (r.GetProperty("Node").GetString()!, r.GetProperty("TaggedAddresses").GetProperty("wan").GetString()!)).Order());

        // Every server, followers included, answers the same list.
        foreach (var server in cluster.Running)
        {
            Assert.Equal(3, (await ConsulRowsAsync(server, 3)).Count);
        }

        var stopped = cluster.Followers.First();
        var stoppedName = stopped.NodeName;
        await cluster.StopAsync(stopped);
        await Eventually.ValueAsync(
            () => leader.GetJsonAsync("/v1/health/service/consul?passing"),
            r => r.GetArrayLength() == 2,
            TimeSpan.FromSeconds(20),
            "the stopped server's serfHealth to turn critical");
        Assert.Equal(3, (await leader.GetJsonAsync("/v1/catalog/service/consul")).GetArrayLength());

        var result = await Cli.Cli.RunAsync("force-leave", "-http-addr", leader.Http.BaseAddress!.ToString(), stoppedName);
        Assert.True(result.ExitCode == 0, result.Error);
        await ConsulRowsAsync(leader, 2);
        Assert.Equal(2, (await leader.GetJsonAsync("/v1/status/peers")).GetArrayLength());
        var nodes = await leader.GetJsonAsync("/v1/catalog/nodes");
        Assert.DoesNotContain(nodes.EnumerateArray(), n => n.GetProperty("Node").GetString() == stoppedName);

        var unknown = await Cli.Cli.RunAsync("force-leave", "-http-addr", leader.Http.BaseAddress!.ToString(), "no-such-server");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No node found with name 'no-such-server'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_FreshServerJoinsThroughMeshJoin_ThenLeaveRemovesIt()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var leader = cluster.Leader;
        var fresh = await cluster.AddServerAsync(configure: config => config with { RetryJoin = [] });
        var target = $"127.0.0.1:{leader.Server.Config.ServerPort}";

        var joined = await Cli.Cli.RunAsync("join", "-http-addr", fresh.Http.BaseAddress!.ToString(), target);
        Assert.True(joined.ExitCode == 0, joined.Error);
        Assert.Equal("Successfully joined cluster by contacting 1 nodes.", joined.Out.Trim());
        Assert.Equal(2, (await leader.GetJsonAsync("/v1/status/peers")).GetArrayLength());
        await ConsulRowsAsync(leader, 2);

        var unreachable = await Cli.Cli.RunAsync("join", "-http-addr", fresh.Http.BaseAddress!.ToString(), $"127.0.0.1:{FreePort.Next()}");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("Error joining address", unreachable.Error, StringComparison.Ordinal);

        // Leave: removed from Raft before the answer, then the process is asked to stop.
        using var left = await fresh.Http.PutAsync("/v1/agent/leave", null);
        Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        Assert.Single(leader.Server.Raft.Members);
        await TestCluster.WaitUntilAsync(() => fresh.Server.ShutdownRequested.IsCancellationRequested, TimeSpan.FromSeconds(10), "the shutdown request");
        await cluster.StopAsync(fresh);
        await ConsulRowsAsync(leader, 1);
    }

    private static async Task<List<JsonElement>> ConsulRowsAsync(TestServer server, int expected)
    {
        var rows = await Eventually.ValueAsync(
            () => server.GetJsonAsync("/v1/catalog/service/consul"),
            r => r.GetArrayLength() == expected,
            TimeSpan.FromSeconds(30),
            $"{expected} servers in service consul");
        return [.. rows.EnumerateArray()];
    }
}
