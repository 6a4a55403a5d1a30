using Mesh.Fsm.Commands;
using Mesh.Raft;

namespace Mesh.Server;

/// <summary>
/// The leader's group commit (issue 18): a proposal that finds fewer than <see cref="Window"/> entries in flight is
/// appended at once, alone (no added latency on an idle leader); proposals arriving while the window is full wait and
/// leave together as ONE log entry (a <see cref="GroupCommand"/>), up to <see cref="MaxCommands"/> commands and
/// <see cref="MaxBytes"/> bytes, as soon as an entry in flight is applied. The sender of an entry goes on with what
/// queued behind it, so there is no loop to start or stop.
/// </summary>
/// <remarks>
/// Semantics are one proposal's each: every command gets its own result (a refused one does not affect the others),
/// nothing is answered before its entry is committed and applied here, and a failure of the entry (leadership lost
/// before or after the append) is every command's failure, with the same retry rules as for one command.
/// </remarks>
public sealed class ProposalCoalescer
{
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<object?>> _append;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Queue<Proposal> _queued = new();
    private int _inFlight;
    private long _entries;
    private long _commands;

    /// <param name="append">Appends one encoded entry and returns its apply result once applied (<see cref="RaftServer.ProposeAsync"/>).</param>
    /// <param name="clock">The leader's clock, stamped into each command and entry.</param>
    public ProposalCoalescer(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<object?>> append, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(append);
        ArgumentNullException.ThrowIfNull(clock);
        _append = append;
        _clock = clock;
    }

    /// <summary>Entries that may be appended and not yet applied at once (pipelining).</summary>
    public int Window { get; init; } = 2;

    /// <summary>The most commands in one entry.</summary>
    public int MaxCommands { get; init; } = 256;

    /// <summary>The most encoded command bytes in one entry (a single larger command still goes, alone).</summary>
    public int MaxBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Whether an entry may now hold more than one command (asked each time an entry is formed); while false every
    /// proposal is its own plain entry, still queued behind the window.
    /// </summary>
    public Func<bool> MayGroup { get; init; } = static () => true;

    /// <summary>Log entries appended so far.</summary>
    public long EntriesProposed => Interlocked.Read(ref _entries);

    /// <summary>Commands appended so far (at least <see cref="EntriesProposed"/>).</summary>
    public long CommandsProposed => Interlocked.Read(ref _commands);

    public Task<ApplyResult> ProposeAsync(Command command, CancellationToken cancellationToken)
    {
        var proposal = Prepare(command, cancellationToken);
        Enqueue([proposal]);
        return proposal.Answer.WaitAsync(cancellationToken);
    }

    /// <summary>Proposes several commands at once: queued together, they leave in as few entries as the bounds allow.</summary>
    public IReadOnlyList<Task<ApplyResult>> ProposeAllAsync(IReadOnlyList<Command> commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var proposals = new Proposal[commands.Count];
        for (var i = 0; i < proposals.Length; i++)
        {
            proposals[i] = Prepare(commands[i], cancellationToken);
        }

        Enqueue(proposals);
        return Array.ConvertAll(proposals, p => p.Answer.WaitAsync(cancellationToken));
    }

    /// <summary>Stamps the leader's time and encodes the command on the proposer's own thread.</summary>
    private Proposal Prepare(Command command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var stamped = AclLeaderStamps.Apply(command, _clock.GetUtcNow().ToUnixTimeMilliseconds());

        // A restore replaces the whole state and a group is an entry's own shape: neither shares an entry.
        return new Proposal(LogCodec.EncodeCommand(stamped), Alone: command is RestoreStateCommand or GroupCommand, cancellationToken);
    }

    private void Enqueue(Proposal[] proposals)
    {
        if (proposals.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var proposal in proposals)
            {
                _queued.Enqueue(proposal);
            }

            if (_inFlight >= Window)
            {
                return;
            }

            _inFlight++;
        }

        _ = SendQueuedAsync();
    }

    /// <summary>Appends entries until the queue is empty, then gives its window slot back.</summary>
    private async Task SendQueuedAsync()
    {
        while (TakeEntry() is { } entry)
        {
            await SendAsync(entry).ConfigureAwait(false);
        }
    }

    private List<Proposal>? TakeEntry()
    {
        lock (_gate)
        {
            List<Proposal>? entry = null;
            var bytes = 0;
            var most = MayGroup() ? MaxCommands : 1;
            while (_queued.TryPeek(out var next))
            {
                if (next.IsAbandoned)
                {
                    // Its caller gave up before it was appended: it never reaches the log.
                    _queued.Dequeue().Abandon();
                    continue;
                }

                if (entry is not null && (entry.Count >= most || bytes + next.Encoded.Length > MaxBytes || next.Alone || entry[0].Alone))
                {
                    break;
                }

                entry ??= new List<Proposal>(Math.Min(_queued.Count, most));
                entry.Add(_queued.Dequeue());
                bytes += next.Encoded.Length;
            }

            if (entry is null)
            {
                _inFlight--;
            }

            return entry;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure is handed to the proposals it concerns; the sender must go on with the queue.")]
    private async Task SendAsync(List<Proposal> entry)
    {
        Interlocked.Increment(ref _entries);
        Interlocked.Add(ref _commands, entry.Count);
        try
        {
            var payload = LogCodec.Compose(entry.ConvertAll(p => (ReadOnlyMemory<byte>)p.Encoded), _clock.GetUtcNow().ToUnixTimeMilliseconds());

            // Not the proposers' tokens: once appended, the entry's outcome belongs to every command in it.
            var result = await _append(payload, CancellationToken.None).ConfigureAwait(false) as ApplyResult
                ?? throw new InvalidOperationException("The state machine returned no result for a command.");
            if (entry.Count == 1)
            {
                entry[0].Complete(result);
                return;
            }

            if (result.Grouped is not { } results || results.Count != entry.Count)
            {
                throw new InvalidOperationException($"The state machine answered {result.Grouped?.Count ?? 0} of {entry.Count} grouped commands.");
            }

            for (var i = 0; i < entry.Count; i++)
            {
                entry[i].Complete(results[i]);
            }
        }
        catch (Exception error)
        {
            entry.ForEach(p => p.Fail(error));
        }
    }

    private sealed record Proposal(byte[] Encoded, bool Alone, CancellationToken CancellationToken)
    {
        private readonly TaskCompletionSource<ApplyResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ApplyResult> Answer => _answer.Task;

        public bool IsAbandoned => CancellationToken.IsCancellationRequested;

        public void Complete(ApplyResult result) => _answer.TrySetResult(result);

        public void Fail(Exception error) => _answer.TrySetException(error);

        public void Abandon() => _answer.TrySetCanceled(CancellationToken);
    }
}
