using System.Diagnostics.CodeAnalysis;
using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Mesh.Raft.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using DotNextNotLeader = DotNext.Net.Cluster.Consensus.Raft.NotLeaderException;

namespace Mesh.Raft;

/// <summary>
/// One Raft server: DotNext's TCP transport, its write-ahead log on disk (flushed before a commit is acknowledged) and a
/// snapshotting adapter over the replicated state machine. Proposals are acknowledged only after they are committed and
/// applied locally, and return the state machine's result for that entry.
/// </summary>
public sealed partial class RaftServer : IAsyncDisposable
{
    private readonly RaftServerOptions _options;
    private readonly IReplicatedStateMachine _target;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private SnapshottingStateMachine? _machine;
    private WriteAheadLog? _log;
    private RaftCluster? _cluster;
    private ServerPortListener? _listener;
    private RaftConnectionFactory? _connections;
    private CancellationTokenSource? _guardStop;
    private Task? _guardLoop;
    private bool _fresh;

    // The current election hold's number (positive while in force, negated once released; see HoldOutOfElectionsAsync).
    private int _electionHold;
    private long _leaderChangedAtTicks = Environment.TickCount64;
    private long _leaderContactTicks = Environment.TickCount64;

    // DotNext refuses concurrent membership changes; joins, bootstrap adds and removals queue here instead.
    private readonly SemaphoreSlim _membershipChange = new(1, 1);

    public RaftServer(RaftServerOptions options, IReplicatedStateMachine target, ILoggerFactory? loggerFactory = null, IServerRpcHandler? rpcHandler = null)
    {
        _rpcHandler = rpcHandler;
        _options = options;
        _target = target;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<RaftServer>();
    }

    /// <summary>Raised when the known leader changes (the new leader's address, or null during an election).</summary>
    public event Action<EndPoint?>? LeaderChanged;

    public EndPoint LocalEndPoint => _options.EndPoint;

    private RaftCluster Cluster => _cluster ?? throw new NoLeaderException("No cluster leader: this server has not joined a cluster yet (waiting for -bootstrap-expect servers or a cluster to join)");

    private WriteAheadLog Wal => _log ?? throw new InvalidOperationException("The Raft server is not started.");

    public bool IsLeader => _cluster?.Leader is { IsRemote: false };

    /// <summary>The leader's Raft address, or null while none is known.</summary>
    public EndPoint? Leader => _cluster?.Leader?.EndPoint;

    /// <summary>
    /// The current term, read from the log's persisted Raft state (term and vote are stored there). DotNext's
    /// <c>IRaftCluster.Term</c> extension answered 0 for this log, which snapshot metadata and logs then reported.
    /// </summary>
    public long Term => _log is null ? 0 : ((IPersistentState)_log).Term;

    public long CommitIndex => _log?.LastCommittedEntryIndex ?? 0;

    public long LastLogIndex => _log?.LastEntryIndex ?? 0;

    public long AppliedIndex => _log?.LastAppliedIndex ?? 0;

    public long SnapshotsTaken => _machine?.SnapshotsTaken ?? 0;

    /// <summary>The index of the newest durable snapshot the log can compact to (0: none yet).</summary>
    public long SnapshotIndex => ((ISnapshotManager?)_machine)?.Snapshot?.Index ?? 0;

    /// <summary>Time since this server last knew it was in contact with a leader: zero on the leader.</summary>
    public TimeSpan LastContact => IsLeader || _cluster is null
        ? TimeSpan.Zero
        : TimeSpan.FromMilliseconds(Environment.TickCount64 - Math.Max(Interlocked.Read(ref _leaderChangedAtTicks), Interlocked.Read(ref _leaderContactTicks)));

    public IReadOnlyList<EndPoint> Members => _cluster is null ? [] : [.. _cluster.Members.Select(m => m.EndPoint)];

    /// <summary>Handles one RPC request frame from another server and returns the response frame.</summary>
    private readonly IServerRpcHandler? _rpcHandler;

    /// <summary>True once opened when the data folder held no Raft log or membership: the server may bootstrap.</summary>
    public bool IsFresh => _fresh;

    /// <summary>The server port's real address (after binding, so port 0 resolves).</summary>
    public IPEndPoint BoundEndPoint => _listener?.EndPoint ?? _options.EndPoint;

    public bool IsConsensusStarted => _cluster is not null;

    /// <summary>Opens the log and the server port (RPC answers from here on); Raft starts with <see cref="StartConsensusAsync"/>.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateDirectory(_options.DataDirectory);
        _fresh = !File.Exists(MembershipFile);

        _machine = new SnapshottingStateMachine(
            Directory.CreateDirectory(Path.Combine(root.FullName, "snapshots")), _target, _options.SnapshotThreshold);
        await _machine.RestoreAsync(cancellationToken).ConfigureAwait(false);

        // Every entry carries an xxHash64, so a corrupted page is detected when read instead of being applied.
        _log = new WriteAheadLog(
            new WriteAheadLog.Options { Location = Path.Combine(root.FullName, "wal"), HashAlgorithm = WriteAheadLog.IntegrityHashAlgorithm.XxHash64 },
            _machine);
        try
        {
            await _log.InitializeAsync(cancellationToken).ConfigureAwait(false);

            // Replay the committed tail now, so a damaged entry stops the start instead of a running server.
            await _log.WaitForApplyAsync(_log.LastCommittedEntryIndex, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new InvalidDataException(
                $"The Raft log in {Path.Combine(root.FullName, "wal")} is damaged ({error.Message}); refusing to start rather than drop entries. " +
                "Restore this server from a snapshot, or move its data folder away and let it rejoin the cluster as a new server.", error);
        }

        _fresh &= _log.LastEntryIndex == 0;
        var snapshotIndex = ((ISnapshotManager)_machine).Snapshot?.Index ?? 0;
        Log.Opened(_logger, root.FullName, _log.LastEntryIndex, _log.LastCommittedEntryIndex, _log.LastAppliedIndex, snapshotIndex);
        if (snapshotIndex > 0 && _log.LastEntryIndex == snapshotIndex)
        {
            // Issue 10's signature: the log reopened exactly at its snapshot (the WAL checkpoint was behind it).
            // Logged as a warning so fault runs at -log-level=warn show whether the server rejoins from here.
            Log.OpenedAtSnapshot(_logger, snapshotIndex);
        }

        _listener = new ServerPortListener(_options.EndPoint, ServeRpcAsync, _options.Tls, _loggerFactory);
        _listener.Start();
    }

    private string MembershipFile => Path.Combine(_options.DataDirectory, "raft-members");

    /// <summary>
    /// Starts Raft. With <paramref name="coldStart"/> on a fresh log this server bootstraps a cluster of itself alone
    /// (others are then added by <see cref="AddVoterAsync"/>); otherwise it waits to be added or resumes its membership.
    /// </summary>
    public async Task StartConsensusAsync(bool coldStart, CancellationToken cancellationToken)
    {
        if (_listener is null)
        {
            await OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        coldStart &= _fresh;
        if (coldStart && ((IPersistentState)_log!).Term == 0)
        {
            // DotNext makes a cold-started node leader without an election, at the log's term. Term 0 means "no term
            // yet" in Raft (snapshot metadata and the leader log line reported it), so persist term 1 first: the node
            // leads at term 1 at once, with no election delay at start-up.
            await ((IPersistentState)_log).UpdateTermAsync(1, resetLastVote: true, cancellationToken).ConfigureAwait(false);
        }

        _connections = new RaftConnectionFactory(new ServerPortDialer(_options.Tls), _logger);
        var configuration = new RaftCluster.CustomTransportConfiguration(_options.EndPoint, _listener!.RaftListenerFactory, _connections)
        {
            ColdStart = coldStart,
            ConfigurationStorage = new EndPointMembershipStorage(MembershipFile),
            LowerElectionTimeout = _options.LowerElectionTimeoutMilliseconds,
            UpperElectionTimeout = _options.UpperElectionTimeoutMilliseconds,
            LoggerFactory = _loggerFactory,
        };
        _cluster = new RaftCluster(configuration) { AuditTrail = Wal };
        _cluster.LeaderChanged += OnLeaderChanged;
        await _cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        if (AbandonedInstallGuard.TryCreate(_logger) is { } guard)
        {
            _guardStop = new CancellationTokenSource();
            _guardLoop = GuardInstallsAsync(guard, _guardStop.Token);
        }
        if (coldStart)
        {
            Log.Bootstrapped(_logger, _options.EndPoint);
        }
    }

    /// <summary>Opens and starts in one step (single servers and tests).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        await StartConsensusAsync(_options.Bootstrap, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a server as a voter (leader only); it is caught up before it counts toward the quorum.</summary>
    public async Task<bool> AddVoterAsync(EndPoint member, CancellationToken cancellationToken)
    {
        if (!IsLeader)
        {
            throw new NotLeaderException { Leader = Leader };
        }

        await _membershipChange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Members.Any(m => m.ToString() == member.ToString()))
            {
                return true;
            }

            return await Cluster.AddMemberAsync(member, cancellationToken).ConfigureAwait(false);
        }
        catch (DotNextNotLeader error)
        {
            throw new NotLeaderException("Leadership was lost while adding a server", error) { Leader = Leader };
        }
        finally
        {
            _membershipChange.Release();
        }
    }

    /// <summary>Removes a server from the Raft configuration (leader only).</summary>
    public async Task<bool> RemoveMemberAsync(EndPoint member, CancellationToken cancellationToken)
    {
        if (!IsLeader)
        {
            throw new NotLeaderException { Leader = Leader };
        }

        await _membershipChange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Cluster.RemoveMemberAsync(member, cancellationToken).ConfigureAwait(false);
        }
        catch (DotNextNotLeader error)
        {
            throw new NotLeaderException("Leadership was lost while removing a server", error) { Leader = Leader };
        }
        finally
        {
            _membershipChange.Release();
        }
    }

    /// <summary>True while this server takes no part in elections (see <see cref="SetStandbyAsync"/>).</summary>
    public bool IsStandby => _cluster?.Standby ?? false;

    /// <summary>
    /// Stops (or resumes) this server's candidacy. A server the cluster removed while it was down still lists itself in
    /// its stale configuration; in standby it never times out into an election, so it cannot disturb the cluster's
    /// terms until the leader has added it back. Entering standby only succeeds from the follower state.
    /// </summary>
    public async Task<bool> SetStandbyAsync(bool standby, CancellationToken cancellationToken)
    {
        var cluster = Cluster;
        return standby
            ? await cluster.EnableStandbyModeAsync(cancellationToken).ConfigureAwait(false)
            : await cluster.RevertToNormalModeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps this follower out of elections for at most <paramref name="duration"/> (a targeted leadership transfer holds
    /// every voter but the target, so only the target stands when the leader resigns). The hold ends by itself, so a
    /// transfer that dies half-way cannot leave a server unable to lead; a later hold or <see cref="ReleaseElectionHoldAsync"/>
    /// supersedes it. Returns false when this server is not a follower in normal mode (nothing is held then).
    /// </summary>
    public async Task<bool> HoldOutOfElectionsAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var cluster = Cluster;
        if (IsLeader || cluster.Standby || !await cluster.EnableStandbyModeAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var hold = Interlocked.Increment(ref _electionHold);
        _ = ReleaseHoldLaterAsync(hold, duration);
        return true;
    }

    /// <summary>True while a hold taken by <see cref="HoldOutOfElectionsAsync"/> is in force.</summary>
    public bool IsElectionHeld => Volatile.Read(ref _electionHold) > 0;

    /// <summary>Ends a hold taken by <see cref="HoldOutOfElectionsAsync"/> (nothing when none is in force).</summary>
    public async Task ReleaseElectionHoldAsync(CancellationToken cancellationToken)
    {
        var hold = Volatile.Read(ref _electionHold);
        if (hold > 0)
        {
            await EndHoldAsync(hold, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves standby when <paramref name="hold"/> is still the hold in force (a later hold supersedes it).</summary>
    private async Task EndHoldAsync(int hold, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _electionHold, -hold, hold) == hold && _cluster is { Standby: true } cluster)
        {
            await cluster.RevertToNormalModeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [SuppressMessage("Design", "CA1031", Justification = "A failed revert leaves the server in standby only until the next hold or restart; it must not crash the process.")]
    private async Task ReleaseHoldLaterAsync(int hold, TimeSpan duration)
    {
        try
        {
            await Task.Delay(duration).ConfigureAwait(false);
            await EndHoldAsync(hold, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            Log.HoldReleaseFailed(_logger, error);
        }
    }

    /// <summary>
    /// Gives leadership away (DotNext 6.12 has no targeted transfer, only resignation): the leader resigns and stays
    /// out of the election in standby until another server is leader, then takes part in elections again. Returns
    /// the new leader, or null when none was elected within <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="NotLeaderException">This server is not the leader.</exception>
    public async Task<EndPoint?> StepDownAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cluster = Cluster;
        if (!IsLeader)
        {
            throw new NotLeaderException { Leader = Leader };
        }

        await _membershipChange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ((DotNext.Net.Cluster.ICluster)cluster).ResignAsync(cancellationToken).ConfigureAwait(false);
            var standby = await cluster.EnableStandbyModeAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
                while (Environment.TickCount64 < deadline)
                {
                    if (cluster.Leader is { IsRemote: true } leader)
                    {
                        return leader.EndPoint;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
                }

                return null;
            }
            finally
            {
                if (standby)
                {
                    await cluster.RevertToNormalModeAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _membershipChange.Release();
        }
    }

    /// <summary>Records that the leader was heard from (followers ping it over RPC), for X-Consul-LastContact.</summary>
    public void MarkLeaderContact() => Interlocked.Exchange(ref _leaderContactTicks, Environment.TickCount64);

    private async Task ServeRpcAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (await RpcFraming.ReadAsync(stream, cancellationToken).ConfigureAwait(false) is { } request)
        {
            var handler = _rpcHandler ?? throw new InvalidOperationException("No RPC handler is installed.");
            var response = await handler.HandleAsync(request, cancellationToken).ConfigureAwait(false);
            await RpcFraming.WriteAsync(stream, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until this server knows a leader (itself or another).</summary>
    public async Task<EndPoint> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        RaftClusterMember? leader;
        try
        {
            leader = await Cluster.WaitForLeaderAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException error)
        {
            throw new NoLeaderException($"No cluster leader elected within {timeout.TotalSeconds:0.#}s", error);
        }

        return leader?.EndPoint ?? throw new NoLeaderException($"No cluster leader elected within {timeout.TotalSeconds:0.#}s");
    }

    /// <summary>
    /// Appends a payload, waits until it is committed, flushed and applied here, and returns the state machine's result.
    /// </summary>
    /// <exception cref="NotLeaderException">This server is not the leader.</exception>
    /// <exception cref="NoLeaderException">Leadership was lost before the entry was applied; the entry may or may not commit later.</exception>
    public async ValueTask<object?> ProposeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var cluster = Cluster;
        if (!IsLeader)
        {
            var leader = Leader;
            throw leader is null ? new NoLeaderException() : new NotLeaderException { Leader = leader };
        }

        var completion = new ProposalCompletion();
        try
        {
            await cluster.ReplicateAsync(payload, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (DotNextNotLeader error)
        {
            // Usually thrown after the append, while waiting for the commit: the next leader may still commit it.
            throw new NoLeaderException("Leadership was lost before the write was committed; it may or may not be applied", error) { MayHaveApplied = true };
        }

        if (!completion.Task.IsCompleted)
        {
            throw new NoLeaderException("Leadership changed before the write was applied; it may or may not be applied") { MayHaveApplied = true };
        }

        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Linearizable read barrier: on the leader, confirms leadership with a quorum; on a follower, waits until the
    /// leader's commit index has been applied locally.
    /// </summary>
    public async ValueTask ReadBarrierAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Cluster.ApplyReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DotNextNotLeader error)
        {
            throw new NoLeaderException("No cluster leader", error);
        }
        catch (InvalidOperationException error)
        {
            throw new NoLeaderException("No cluster leader", error);
        }
        catch (DotNext.Net.Cluster.MemberUnavailableException error)
        {
            // The leader went away (killed, paused, cut off) while confirming the read: a 503, as with no leader.
            throw new NoLeaderException("No cluster leader reachable", error);
        }
    }

    /// <summary>On the leader, once a second: see <see cref="AbandonedInstallGuard"/>.</summary>
    private async Task GuardInstallsAsync(AbandonedInstallGuard guard, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(AbandonedInstallGuard.Period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_cluster is { } cluster && IsLeader && _machine is { } machine)
                {
                    guard.Check(cluster.Members, ((ISnapshotManager)machine).Snapshot?.Index ?? 0);
                }
                else
                {
                    guard.Reset();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnLeaderChanged(RaftCluster<RaftClusterMember> cluster, RaftClusterMember? leader)
    {
        Interlocked.Exchange(ref _leaderChangedAtTicks, Environment.TickCount64);
        Log.LeaderChanged(_logger, leader?.EndPoint, leader is { IsRemote: false }, Term);
        LeaderChanged?.Invoke(leader?.EndPoint);
    }

    [SuppressMessage("Design", "CA1031", Justification = "Shutdown must continue past a failing component.")]
    public async ValueTask DisposeAsync()
    {
        if (_guardStop is not null)
        {
            await _guardStop.CancelAsync().ConfigureAwait(false);
            await (_guardLoop ?? Task.CompletedTask).ConfigureAwait(false);
            _guardStop.Dispose();
            _guardStop = null;
        }

        if (_cluster is not null)
        {
            _cluster.LeaderChanged -= OnLeaderChanged;
            try
            {
                await _cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                Log.StopFailed(_logger, error);
            }

            _cluster.Dispose();
            _cluster = null;
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
            _listener = null;
        }

        _connections?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
            _log = null;
        }

        if (_machine is not null)
        {
            await _machine.DisposeAsync().ConfigureAwait(false);
            _machine = null;
        }

        if (_options.Ephemeral)
        {
            try
            {
                Directory.Delete(_options.DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Ending an election hold failed; the server stays out of elections until the next hold or restart")]
        public static partial void HoldReleaseFailed(ILogger logger, Exception error);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Raft log opened at {Path}: last index {LastIndex}, committed {CommitIndex}, applied {AppliedIndex}, snapshot {SnapshotIndex}")]
        public static partial void Opened(ILogger logger, string path, long lastIndex, long commitIndex, long appliedIndex, long snapshotIndex);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Raft log reopened with no entry past its snapshot at {SnapshotIndex}; it must be caught up by the leader (entries or install snapshot)")]
        public static partial void OpenedAtSnapshot(ILogger logger, long snapshotIndex);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Bootstrapped a new cluster with this server ({EndPoint}) as the only voter")]
        public static partial void Bootstrapped(ILogger logger, EndPoint endPoint);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Leader is now {Leader} (local: {IsLocal}, term {Term})")]
        public static partial void LeaderChanged(ILogger logger, EndPoint? leader, bool isLocal, long term);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Raft transport did not stop cleanly")]
        public static partial void StopFailed(ILogger logger, Exception error);
    }
}
