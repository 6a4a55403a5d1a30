using Mesh.Fsm.Commands;
using Mesh.Raft;
using Mesh.Server.Access;

namespace Mesh.Server;

/// <summary>Sends a command to the leader on behalf of a follower and returns the leader's apply result.</summary>
public interface ILeaderForwarder
{
    ValueTask<ApplyResult> ForwardAsync(System.Net.EndPoint leader, Command command, RequestToken token, CancellationToken cancellationToken);
}

/// <summary>A forwarded write that never reached the leader (it could not be connected to): safe to retry.</summary>
public sealed class LeaderUnreachableException : Exception
{
    public LeaderUnreachableException()
        : base("The leader could not be reached")
    {
    }

    public LeaderUnreachableException(string message)
        : base(message)
    {
    }

    public LeaderUnreachableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The only way into the state: stamps the leader's clock on a command, appends it through Raft (or forwards it to the
/// leader) and returns once it is committed, flushed and applied. While no leader is known it waits a bounded time,
/// then fails with <see cref="NoLeaderException"/>: it never hangs.
/// </summary>
public sealed class CommandPipeline(RaftServer raft, TimeProvider clock, ILeaderForwarder? forwarder = null)
{
    /// <summary>How long a write waits for an election to finish before failing.</summary>
    public TimeSpan LeaderWait { get; init; } = TimeSpan.FromSeconds(7);

    /// <summary>Where commit times are recorded (<c>consul.raft.commitTime</c>); null records nothing.</summary>
    public Metrics.ServerInstruments? Instruments { get; init; }

    public async ValueTask<ApplyResult> SubmitAsync(Command command, RequestToken token, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + LeaderWait;
        while (true)
        {
            if (raft.IsLeader)
            {
                try
                {
                    return Audited(await ProposeAsync(command, cancellationToken).ConfigureAwait(false));
                }
                catch (NotLeaderException) when (clock.GetUtcNow() < deadline)
                {
                    // Lost leadership between the check and the append: look for the new leader.
                }
            }
            else if (raft.Leader is { } leader && forwarder is not null)
            {
                try
                {
                    return Audited(await forwarder.ForwardAsync(leader, command, token, cancellationToken).ConfigureAwait(false));
                }
                catch (LeaderUnreachableException) when (clock.GetUtcNow() < deadline)
                {
                    // Not sent: the leader we know of is gone. Wait for the election to settle, then retry.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new NoLeaderException();
            }

            try
            {
                await raft.WaitForLeaderAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (NoLeaderException)
            {
                throw;
            }
            catch (TimeoutException)
            {
                throw new NoLeaderException();
            }
        }
    }

    /// <summary>Tells the request being audited (if any) the index its write reached.</summary>
    private static ApplyResult Audited(ApplyResult result)
    {
        if (result.Succeeded)
        {
            Logging.WriteAuditScope.Record(result.Index);
        }

        return result;
    }

    /// <summary>
    /// Whether proposals queued while entries are in flight share one log entry (<see cref="ProposalCoalescer"/>); off
    /// (the default), every command is its own entry. Off by default because on the quiet 2-core machine it cost CPU
    /// per write at 16 clients (docs/benchmarks.md, issue 18 third pass); <c>MESH_PROPOSE_BATCH=1</c> turns it on.
    /// </summary>
    public bool GroupProposals
    {
        get => _groupProposals;
        set => _groupProposals = value;
    }

    private volatile bool _groupProposals;

    /// <summary>The leader's group commit; its counters say how many entries carried how many commands.</summary>
    public ProposalCoalescer Coalescer => LazyInitializer.EnsureInitialized(ref _coalescer, () => new ProposalCoalescer(raft.ProposeAsync, clock) { MayGroup = () => GroupsEntries, Window = ProposeWindow });

    /// <summary>Grouped entries in flight at once (<see cref="ProposalCoalescer.Window"/>).</summary>
    public int ProposeWindow { get; init; } = 2;

    private ProposalCoalescer? _coalescer;

    private volatile bool _peersReadGroupedEntries;

    /// <summary>
    /// Whether entries may now hold several commands: grouping is on and every other Raft member has told this server
    /// (in its <c>InfoResponse</c> to <c>ServerMonitor</c>'s pings) that it decodes them. Until then each command is
    /// its own entry, so a cluster being upgraded from a build without group commit keeps applying.
    /// </summary>
    public bool GroupsEntries => GroupProposals && _peersReadGroupedEntries;

    /// <summary>Called after each round of member pings with whether every other member reads grouped entries.</summary>
    public void RecordPeersReadGroupedEntries(bool everyPeer) => _peersReadGroupedEntries = everyPeer;

    /// <summary>Appends a command on this server, which must be the leader (also the entry point for forwarded commands).</summary>
    public async ValueTask<ApplyResult> ProposeAsync(Command command, CancellationToken cancellationToken)
    {
        if (!GroupProposals)
        {
            return await ProposeAloneAsync(command, cancellationToken).ConfigureAwait(false);
        }

        RefuseUnlessLeader();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await Coalescer.ProposeAsync(command, cancellationToken).ConfigureAwait(false);
        Instruments?.RecordCommit(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <summary>
    /// Appends several commands on this server (a follower's forwarded batch): they are queued together, so they leave in
    /// as few log entries as the coalescer's bounds allow, and each gets its own result or error.
    /// </summary>
    public IReadOnlyList<Task<ApplyResult>> ProposeAll(IReadOnlyList<Command> commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (!GroupProposals)
        {
            return [.. commands.Select(command => ProposeAloneAsync(command, cancellationToken).AsTask())];
        }

        RefuseUnlessLeader();
        return Coalescer.ProposeAllAsync(commands, cancellationToken);
    }

    /// <summary>
    /// A follower refuses before queueing, so the caller can send the command to the leader (nothing was appended).
    /// Leadership lost later makes <see cref="RaftServer.ProposeAsync"/> fail the entry the same way.
    /// </summary>
    private void RefuseUnlessLeader()
    {
        if (!raft.IsLeader)
        {
            throw raft.Leader is { } leader ? new NotLeaderException { Leader = leader } : new NoLeaderException();
        }
    }

    private async ValueTask<ApplyResult> ProposeAloneAsync(Command command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var record = new LogRecord { Command = AclLeaderStamps.Apply(command, now), StampedUnixMilliseconds = now };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await raft.ProposeAsync(LogCodec.Encode(record), cancellationToken).ConfigureAwait(false);
        Instruments?.RecordCommit(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return result as ApplyResult ?? throw new InvalidOperationException("The state machine returned no result for a command.");
    }
}
