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
        var leader = await a.StartAsync();
        await b.StartAsync(bootstrap: false);
        await c.StartAsync(bootstrap: false);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout * 3);
        Assert.True(await leader.AddVoterAsync(b.EndPoint, cancellation.Token));
        Assert.True(await leader.AddVoterAsync(c.EndPoint, cancellation.Token));
        await a.ProposeAllAsync(RaftNode.Payloads(3));

        await b.StopAsync();
        await c.StopAsync();
        var lastBefore = leader.LastLogIndex;
        var error = await Assert.ThrowsAsync<NoLeaderException>(async () => await leader.ProposeAsync("orphan"u8.ToArray(), cancellation.Token));

        Assert.True(error.MayHaveApplied, error.Message);
        Assert.True(leader.LastLogIndex > lastBefore, "the entry was appended before leadership was lost");
    }
}
