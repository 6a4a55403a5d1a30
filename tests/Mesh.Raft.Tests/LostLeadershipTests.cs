using Mesh.Raft.Tests.Support;

namespace Mesh.Raft.Tests;

/// <summary>
/// A write the leader appended but could not commit before losing leadership must be reported as "may have been
/// applied": the next leader can still commit that entry, so whoever forwarded it must not send it again (issue 10's
/// fault run saw the resulting double application as linearizability violations).
/// </summary>
public sealed class LostLeadershipTests
{
    [Fact]
    public async Task ProposeAsync_QuorumLostAfterTheAppend_SaysTheWriteMayHaveApplied()
    {
        await using var a = new RaftNode();
        await using var b = new RaftNode();
        await using var c = new RaftNode();
        await a.StartAsync();
        await b.StartAsync(bootstrap: false);
        await c.StartAsync(bootstrap: false);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout * 3);
        RaftNode[] nodes = [a, b, c];
        Assert.True(await AddThroughLeaderAsync(nodes, b.EndPoint, cancellation.Token));
        Assert.True(await AddThroughLeaderAsync(nodes, c.EndPoint, cancellation.Token));

        // Leadership may have moved while the voters were added on a busy machine: continue with whoever leads.
        var leading = await LeadingNodeAsync(nodes, cancellation.Token);
        await leading.ProposeAllAsync(RaftNode.Payloads(3));
        foreach (var other in nodes.Where(node => node != leading))
        {
            await other.StopAsync();
        }

        var leader = leading.Server!;
        var lastBefore = leader.LastLogIndex;
        var error = await Assert.ThrowsAsync<NoLeaderException>(async () => await leader.ProposeAsync("orphan"u8.ToArray(), cancellation.Token));

        Assert.True(error.MayHaveApplied, error.Message);
        Assert.True(leader.LastLogIndex > lastBefore, "the entry was appended before leadership was lost");
    }

    /// <summary>Adds a voter through the server that leads now, again through the next leader if leadership moves meanwhile.</summary>
    private static async Task<bool> AddThroughLeaderAsync(RaftNode[] nodes, System.Net.EndPoint member, CancellationToken cancellationToken)
    {
        while (true)
        {
            var leading = await LeadingNodeAsync(nodes, cancellationToken);
            try
            {
                return await leading.Server!.AddVoterAsync(member, cancellationToken);
            }
            catch (NotLeaderException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static async Task<RaftNode> LeadingNodeAsync(RaftNode[] nodes, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (nodes.FirstOrDefault(node => node.Server?.IsLeader == true) is { } leading)
            {
                return leading;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
