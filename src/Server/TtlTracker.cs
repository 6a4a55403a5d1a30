using System.Collections.Concurrent;
using Mesh.Config.Durations;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Raft;
using Microsoft.Extensions.Logging;

namespace Mesh.Server;

/// <summary>
/// TTL check expiry, decided by the leader: each TTL check gets a deadline when it is registered, updated, or when this
/// server becomes leader (a full TTL of grace, as an agent restart gives in Consul). A check whose deadline passes is
/// turned critical by a command, so every server agrees on when it happened.
/// </summary>
public sealed partial class TtlTracker
{
    public const string ExpiredOutput = "TTL expired";

    private readonly StateMachine _fsm;
    private readonly RaftServer _raft;
    private readonly CommandPipeline _commands;
    private readonly ITtlHeartbeatForwarder _forwarder;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<CheckKey, DateTimeOffset> _deadlines = new();
    private long _scannedChecksIndex = -1;
    private bool _wasLeader;

    public TtlTracker(StateMachine fsm, RaftServer raft, CommandPipeline commands, ITtlHeartbeatForwarder forwarder, TimeProvider clock, ILogger<TtlTracker> logger)
    {
        _fsm = fsm;
        _raft = raft;
        _commands = commands;
        _forwarder = forwarder;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>How often deadlines are checked.</summary>
    public TimeSpan Resolution { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Resets the deadline of a TTL check after a heartbeat (pass/warn/fail/update).</summary>
    public void Heartbeat(HealthCheck check)
    {
        if (!_raft.IsLeader)
        {
            _forwarder.Forward(check); // on a follower: the leader owns the deadlines
            return;
        }

        if (TtlOf(check) is { } ttl)
        {
            _deadlines[CheckKey.For(check.Node, check.CheckId)] = _clock.GetUtcNow() + ttl;
        }
    }

    public static TimeSpan? TtlOf(HealthCheck check)
        => check.Definition.TTL.Length > 0 && GoDuration.TryParse(check.Definition.TTL, out var ttl) && ttl > TimeSpan.Zero ? ttl : null;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Resolution, _clock);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await TickAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is NoLeaderException or NotLeaderException)
            {
                // Leadership moved; the next leader takes over the deadlines.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (InvalidOperationException error)
            {
                Log.ExpireFailed(_logger, error);
            }
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var isLeader = _raft.IsLeader;
        if (!isLeader)
        {
            if (_wasLeader)
            {
                _deadlines.Clear();
                _scannedChecksIndex = -1;
            }

            _wasLeader = false;
            return;
        }

        _wasLeader = true;
        var state = _fsm.Current;
        var now = _clock.GetUtcNow();
        var checksIndex = state.IndexOf(WatchKeys.Checks);
        if (checksIndex != _scannedChecksIndex)
        {
            Rescan(state, now);
            _scannedChecksIndex = checksIndex;
        }

        foreach (var (key, deadline) in _deadlines)
        {
            if (deadline > now || !state.Checks.TryGetValue(key, out var check))
            {
                continue;
            }

            _deadlines.TryRemove(key, out _);
            if (check.Status == HealthStatus.Critical && check.Output == ExpiredOutput)
            {
                continue;
            }

            Log.Expired(_logger, check.CheckId, check.Node);
            await _commands.ProposeAsync(
                new UpdateCheckCommand { Node = check.Node, CheckId = check.CheckId, Status = HealthStatus.Critical, Output = ExpiredOutput },
                cancellationToken).ConfigureAwait(false);
        }
    }

    private void Rescan(StoreState state, DateTimeOffset now)
    {
        var live = new HashSet<CheckKey>();
        foreach (var (key, check) in state.Checks)
        {
            if (TtlOf(check) is not { } ttl)
            {
                continue;
            }

            live.Add(key);
            if (!_deadlines.ContainsKey(key) && !(check.Status == HealthStatus.Critical && check.Output == ExpiredOutput))
            {
                // A check first seen (new, or this server just became leader) gets a full TTL from now.
                _deadlines[key] = now + ttl;
            }
        }

        foreach (var key in _deadlines.Keys)
        {
            if (!live.Contains(key))
            {
                _deadlines.TryRemove(key, out _);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Check {CheckId} on node {Node} missed its TTL; marking it critical")]
        public static partial void Expired(ILogger logger, string checkId, string node);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Could not record a TTL expiry")]
        public static partial void ExpireFailed(ILogger logger, Exception error);
    }
}
