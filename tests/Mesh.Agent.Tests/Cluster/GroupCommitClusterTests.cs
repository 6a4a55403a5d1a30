using System.Net;
using System.Text;
using Mesh.Fsm.Commands;
using Mesh.Server.Access;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>
/// The leader's group commit on three real servers on loopback: concurrent writes share log entries, each is answered
/// with its own result, and every server ends with the same state.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class GroupCommitClusterTests
{
    [Fact]
    public async Task SixtyFourConcurrentWritesAtTheLeader_AndSixtyFourThroughAFollower_AreEachAcknowledged_InFewerEntriesThanWrites()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        GroupOnEveryServer(cluster);
        var leader = cluster.Leader;
        var follower = cluster.Followers.First();
        var commands = leader.Server.Runtime.Commands;

        // The leader groups once both followers have told it (in their answers to its pings) that they read groups.
        await TestCluster.WaitUntilAsync(() => commands.GroupsEntries, TimeSpan.FromSeconds(15), "the followers to advertise grouped entries");
        var entriesBefore = commands.Coalescer.EntriesProposed;
        var commandsBefore = commands.Coalescer.CommandsProposed;
        var lastIndexBefore = leader.Server.Raft.LastLogIndex;

        const int Writes = 64;
        var atLeader = Enumerable.Range(0, Writes).Select(i => commands.SubmitAsync(
            new RegisterCommand { Node = $"g{i}", Address = "10.3.0.1", Datacenter = "dc1" }, RequestToken.Server, CancellationToken.None).AsTask()).ToList();
        var throughFollower = Enumerable.Range(0, Writes).Select(async i =>
        {
            using var content = new StringContent($$"""{"Node":"h{{i}}","Address":"10.3.0.2"}""", Encoding.UTF8, "application/json");
            using var response = await follower.Http.PutAsync("/v1/catalog/register", content);
            return response.StatusCode;
        }).ToList();
        var results = await Task.WhenAll(atLeader);
        var statuses = await Task.WhenAll(throughFollower);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var state = leader.Server.Fsm.Current;
        for (var i = 0; i < Writes; i++)
        {
            Assert.True(results[i].Succeeded, results[i].Error);
            Assert.True(results[i].Index > lastIndexBefore);
            Assert.Equal(results[i].Index, state.FindNode($"g{i}")!.ModifyIndex);
        }

        // Entries < writes, read from the log itself and from the leader's counters (which also see its own background writes).
        var entries = leader.Server.Raft.LastLogIndex - lastIndexBefore;
        Assert.True(entries < 2 * Writes, $"{entries} log entries for {2 * Writes} writes");
        var proposedEntries = commands.Coalescer.EntriesProposed - entriesBefore;
        var proposedCommands = commands.Coalescer.CommandsProposed - commandsBefore;
        Assert.True(proposedCommands >= 2 * Writes, $"{proposedCommands} commands proposed for {2 * Writes} writes");
        Assert.True(proposedEntries < proposedCommands, $"{proposedCommands} commands in {proposedEntries} entries");

        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
        foreach (var server in cluster.Running)
        {
            Assert.All(Enumerable.Range(0, Writes), i => Assert.NotNull(server.Server.Fsm.Current.FindNode($"g{i}")));
            Assert.All(Enumerable.Range(0, Writes), i => Assert.NotNull(server.Server.Fsm.Current.FindNode($"h{i}")));
        }
    }

    [Fact]
    public async Task AGroupedWriteRefusedByTheFsm_FailsAlone_WhileTheOthersOfItsEntryApply()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        GroupOnEveryServer(cluster);
        var commands = cluster.Leader.Server.Runtime.Commands;
        await TestCluster.WaitUntilAsync(() => commands.GroupsEntries, TimeSpan.FromSeconds(15), "the followers to advertise grouped entries");

        // Half are updates of a check that does not exist (refused inside apply, NotFound); they queue among registrations.
        var writes = Enumerable.Range(0, 64).Select(i => commands.SubmitAsync(
            i % 2 == 0
                ? new RegisterCommand { Node = $"m{i}", Address = "10.4.0.1", Datacenter = "dc1" }
                : new UpdateCheckCommand { Node = $"m{i}", CheckId = "missing", Status = "passing" },
            RequestToken.Server,
            CancellationToken.None).AsTask()).ToList();
        var results = await Task.WhenAll(writes);

        for (var i = 0; i < results.Length; i++)
        {
            if (i % 2 == 0)
            {
                Assert.True(results[i].Succeeded, results[i].Error);
            }
            else
            {
                Assert.Equal(ApplyErrorKind.NotFound, results[i].ErrorKind);
            }
        }

        // Refused and accepted writes shared entries: some index carries both an error and a success.
        Assert.Contains(results.GroupBy(r => r.Index), entry => entry.Any(r => r.Succeeded) && entry.Any(r => !r.Succeeded));
        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
    }

    /// <summary>Group commit is off by default (MESH_PROPOSE_BATCH=1 turns it on): these tests turn it on on every server.</summary>
    private static void GroupOnEveryServer(TestCluster cluster)
    {
        foreach (var server in cluster.Running)
        {
            server.Server.Runtime.Commands.GroupProposals = true;
        }
    }
}
