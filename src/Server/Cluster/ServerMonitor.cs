using System.Collections.Concurrent;
using System.Net;
using Mesh.Fsm.Model;
using Mesh.Raft;
using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// Pings every server in the Raft configuration over RPC (every server does this, so members and health can be read
/// anywhere), records what it hears, and on the leader acts as autopilot: a server unreachable for longer than the
/// dead-server threshold is removed from the configuration when the servers left still form a healthy quorum.
/// </summary>
public sealed partial class ServerMonitor(ServerRuntime runtime, ServerRpc rpc, RpcDispatcher self, AutopilotOptions options, ILogger<ServerMonitor> logger) : IClusterView
{
    private readonly ConcurrentDictionary<string, Observation> _observations = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    public IReadOnlyList<ServerMember> Servers
    {
        get
        {
            var raft = runtime.Raft;
            var now = DateTimeOffset.UtcNow;
            var leader = raft.Leader is { } l ? ServerAddress.Format(l) : string.Empty;
            var own = self.Info();
            var members = raft.Members.Select(ServerAddress.Format).Append(own.RaftAddress).Distinct(StringComparer.Ordinal);
            return [.. members.Order(StringComparer.Ordinal).Select(address =>
            {
                if (address == own.RaftAddress)
                {
                    return new ServerMember
                    {
                        Id = own.NodeId, Name = own.NodeName, Address = address, Leader = address == leader, Alive = true,
                        Healthy = true, LastTerm = own.Term, LastIndex = own.LastIndex, StableSince = _startedAt, Version = own.Version,
                        WanAddress = own.WanAddress,
                    };
                }

                var seen = _observations.GetValueOrDefault(address);
                return new ServerMember
                {
                    Id = seen?.Info?.NodeId ?? address,
                    Name = seen?.Info?.NodeName ?? string.Empty,
                    Address = address,
                    Leader = address == leader,
                    Alive = seen is { Reachable: true },
                    Healthy = IsHealthy(seen, own.Term),
                    LastContact = seen?.LastContact is { } contact ? now - contact : TimeSpan.MaxValue,
                    LastTerm = seen?.Info?.Term ?? 0,
                    LastIndex = seen?.Info?.LastIndex ?? 0,
                    StableSince = seen?.HealthySince ?? now,
                    Version = seen?.Info?.Version ?? string.Empty,
                    WanAddress = seen?.Info?.WanAddress ?? string.Empty,
                };
            })];
        }
    }

    public bool Healthy => Servers.All(s => s.Healthy);

    public int FailureTolerance
    {
        get
        {
            var servers = Servers;
            var quorum = (servers.Count / 2) + 1;
            return Math.Max(0, servers.Count(s => s.Healthy) - quorum);
        }
    }

    public async Task RemovePeerAsync(string address, CancellationToken cancellationToken)
    {
        var leader = runtime.Raft.Leader ?? throw new NoLeaderException();
        var answer = await rpc.CallAsync<AckResponse>(leader, new RemovePeerRequest { Address = address }, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!answer.Ok)
        {
            throw new PeerRemovalException(answer.NotLeader, answer.Error ?? "the peer was not removed");
        }
    }

    /// <summary>The replicated autopilot configuration, or the agent's settings until an operator sets one.</summary>
    public AutopilotConfig Configuration => AutopilotDefaults.Effective(runtime.Fsm.Current, options);

    public async Task<string> StepDownLeaderAsync(CancellationToken cancellationToken)
    {
        var raft = runtime.Raft;
        if (raft.IsLeader)
        {
            var next = await raft.StepDownAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            return next is null ? throw new LeadershipTransferException(false, "no other server was elected leader in time") : ServerAddress.Format(next);
        }

        var leader = raft.Leader ?? throw new NoLeaderException();
        var answer = await rpc.CallAsync<AckResponse>(leader, new StepDownRequest { FromAddress = self.Info().RaftAddress }, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return answer.Ok ? answer.LeaderHint : throw new LeadershipTransferException(answer.NotLeader, answer.Error ?? "leadership was not transferred");
    }

    /// <summary>
    /// Step-downs tried before a transfer gives up; a round is one election. For a targeted transfer every voter but the
    /// target is held out of elections (DotNext's standby) while the leader resigns, so only the target stands; a
    /// round fails only when the target cannot win (unreachable, behind, or a hold that could not be taken).
    /// </summary>
    private const int TransferRounds = 5;

    /// <summary>How long a held voter stays out of elections at most if the transfer never releases it.</summary>
    private static readonly TimeSpan ElectionHold = TimeSpan.FromSeconds(10);

    public async Task<string> TransferLeadershipAsync(string? targetAddress, CancellationToken cancellationToken)
    {
        for (var round = 0; round < TransferRounds; round++)
        {
            var stepped = await LeaderAddressAsync(null, cancellationToken).ConfigureAwait(false);
            if (targetAddress is not null && stepped == targetAddress)
            {
                return stepped;
            }

            string? elected;
            var held = targetAddress is null ? [] : await HoldVotersAsync(stepped, targetAddress, cancellationToken).ConfigureAwait(false);
            try
            {
                elected = await StepDownLeaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is LeadershipTransferException { NotLeader: true } or NoLeaderException or NotLeaderException
                                              or IOException or TimeoutException or System.Net.Sockets.SocketException or InvalidDataException
                                          || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The server asked was no longer the leader, or lost leadership (and the connection) while answering:
                // who leads once this server sees a new leader decides the outcome.
                Log.StepDownAnswerLost(logger, stepped, error.Message);
                elected = null;
            }
            finally
            {
                await ReleaseVotersAsync(held).ConfigureAwait(false);
            }

            // This server's own view must move past the old leader before judging, or before the next round asks it.
            var current = await LeaderAddressAsync(elected is null ? stepped : null, cancellationToken).ConfigureAwait(false);
            if (elected is not null && current == stepped)
            {
                current = await LeaderAddressAsync(stepped, cancellationToken).ConfigureAwait(false);
            }

            if (current != stepped && (targetAddress is null || current == targetAddress))
            {
                return current;
            }
        }

        throw new LeadershipTransferException(false, targetAddress is null
            ? $"no other server was elected leader in {TransferRounds} rounds"
            : $"{targetAddress} did not win the election in {TransferRounds} rounds");
    }

    /// <summary>Holds every voter except the leader and the target out of elections; returns those held.</summary>
    private async Task<List<string>> HoldVotersAsync(string leader, string target, CancellationToken cancellationToken)
    {
        var own = self.Info().RaftAddress;
        var held = new List<string>();
        foreach (var address in runtime.Raft.Members.Select(ServerAddress.Format).Where(a => a != leader && a != target))
        {
            try
            {
                var ok = address == own
                    ? await runtime.Raft.HoldOutOfElectionsAsync(ElectionHold, cancellationToken).ConfigureAwait(false)
                    : (await rpc.CallAsync<AckResponse>(ServerRpc.ParseEndPoint(address, 8300), new ElectionHoldRequest { Milliseconds = (int)ElectionHold.TotalMilliseconds }, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false)).Ok;
                if (ok)
                {
                    held.Add(address);
                }
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or InvalidDataException or TimeoutException
                                          || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // An unreachable voter cannot stand either; a reachable one that was not held may win this round.
                Log.HoldFailed(logger, address, error.Message);
            }
        }

        return held;
    }

    /// <summary>Ends the holds (best effort: each also ends by itself after <see cref="ElectionHold"/>).</summary>
    private async Task ReleaseVotersAsync(List<string> held)
    {
        var own = self.Info().RaftAddress;
        foreach (var address in held)
        {
            try
            {
                if (address == own)
                {
                    await runtime.Raft.ReleaseElectionHoldAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await rpc.CallAsync<AckResponse>(ServerRpc.ParseEndPoint(address, 8300), new ElectionHoldRequest { Milliseconds = 0 }, TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or InvalidDataException or TimeoutException or OperationCanceledException)
            {
                Log.HoldFailed(logger, address, error.Message);
            }
        }
    }

    /// <summary>The leader this server knows of, waiting (up to 10s) for one that is not <paramref name="other"/> when given.</summary>
    private async Task<string> LeaderAddressAsync(string? other, CancellationToken cancellationToken)
    {
        var raft = runtime.Raft;
        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            var leader = ServerAddress.Format(await raft.WaitForLeaderAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false));
            if (other is null || leader != other || Environment.TickCount64 > deadline)
            {
                return leader;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsHealthy(Observation? seen, long term)
    {
        // Pings run every Interval, so contact is never fresher than that: a lower threshold would flap.
        var threshold = TimeSpan.FromMilliseconds(Math.Max((options.Interval * 3).TotalMilliseconds, Configuration.LastContactThresholdMilliseconds));
        return seen is { Reachable: true, Info: { } info } && info.Term >= term - 1 && DateTimeOffset.UtcNow - seen.LastContact < threshold;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!runtime.Raft.IsConsensusStarted)
            {
                continue;
            }

            await PingAllAsync(cancellationToken).ConfigureAwait(false);
            if (runtime.Raft.IsLeader && Configuration.CleanupDeadServers)
            {
                await RemoveDeadServersAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PingAllAsync(CancellationToken cancellationToken)
    {
        var own = self.Info().RaftAddress;
        var members = runtime.Raft.Members.Select(ServerAddress.Format).Where(a => a != own).ToList();
        foreach (var gone in _observations.Keys.Except(members).ToList())
        {
            _observations.TryRemove(gone, out _);
        }

        var leader = runtime.Raft.Leader is { } l ? ServerAddress.Format(l) : string.Empty;
        await Task.WhenAll(members.Select(async address =>
        {
            var observation = _observations.GetOrAdd(address, _ => new Observation { FirstSeen = DateTimeOffset.UtcNow });
            try
            {
                var info = await rpc.CallAsync<InfoResponse>(ServerRpc.ParseEndPoint(address, 8300), new InfoRequest { FromAddress = own }, options.Interval, cancellationToken).ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                observation.Info = info;
                observation.LastContact = now;
                observation.HealthySince ??= now;
                observation.UnreachableSince = null;
                observation.Reachable = true;
                if (address == leader)
                {
                    runtime.Raft.MarkLeaderContact();
                }
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or InvalidDataException
                                          || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                observation.Reachable = false;
                observation.HealthySince = null;
                observation.UnreachableSince ??= DateTimeOffset.UtcNow;
            }
        })).ConfigureAwait(false);

        // Group commit only once every other member has said it reads grouped entries (an older one would stop applying).
        runtime.Commands.RecordPeersReadGroupedEntries(members.All(a => _observations.TryGetValue(a, out var o) && o.Info?.ReadsGroupedEntries == true));
    }

    private async Task RemoveDeadServersAsync(CancellationToken cancellationToken)
    {
        var total = runtime.Raft.Members.Count;
        var now = DateTimeOffset.UtcNow;
        var dead = _observations.Where(o => o.Value.UnreachableSince is { } since && now - since > options.DeadServerThreshold).Select(o => o.Key).ToList();
        foreach (var address in dead)
        {
            // Remove only while the servers left, all reachable, are a majority of the configuration after removal.
            var reachable = 1 + _observations.Count(o => o.Value.Reachable);
            var remaining = total - 1;
            if (remaining < Configuration.MinQuorum)
            {
                return; // autopilot stops pruning at min_quorum, as Consul's
            }

            if (reachable < (remaining / 2) + 1)
            {
                Log.CannotRemove(logger, address, reachable, remaining);
                return;
            }

            Log.RemovingDead(logger, address, options.DeadServerThreshold);
            try
            {
                if (await runtime.Raft.RemoveMemberAsync(ServerRpc.ParseEndPoint(address, 8300), cancellationToken).ConfigureAwait(false))
                {
                    _observations.TryRemove(address, out _);
                    total--;
                }
            }
            catch (Exception error) when (error is NotLeaderException or NoLeaderException or InvalidOperationException)
            {
                return;
            }
        }
    }

    private sealed class Observation
    {
        public DateTimeOffset FirstSeen { get; init; }

        public InfoResponse? Info { get; set; }

        public bool Reachable { get; set; }

        public DateTimeOffset? LastContact { get; set; }

        public DateTimeOffset? HealthySince { get; set; }

        public DateTimeOffset? UnreachableSince { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Leadership transfer: the step-down of {Leader} was not answered ({Reason}); judging by the next leader")]
        public static partial void StepDownAnswerLost(ILogger logger, string leader, string reason);

        [LoggerMessage(EventId = 8400, Level = LogLevel.Information, Message = "Leadership transfer: holding (or releasing) {Address} out of elections failed: {Reason}")]
        public static partial void HoldFailed(ILogger logger, string address, string reason);

        [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Autopilot: removing server {Address}, unreachable for more than {Threshold}")]
        public static partial void RemovingDead(ILogger logger, string address, TimeSpan threshold);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Autopilot: server {Address} is dead but removing it would leave {Reachable} reachable of {Remaining}: not a safe quorum")]
        public static partial void CannotRemove(ILogger logger, string address, int reachable, int remaining);
    }
}

/// <summary>The agent's autopilot settings as the cluster configuration they stand for until one is replicated.</summary>
public static class AutopilotDefaults
{
    public static AutopilotConfig Effective(Mesh.Fsm.State.StoreState state, AutopilotOptions options)
        => state.Autopilot ?? new AutopilotConfig { CleanupDeadServers = options.CleanupDeadServers };
}

/// <summary>Autopilot settings (Consul's <c>autopilot</c> block).</summary>
public sealed record AutopilotOptions
{
    public bool CleanupDeadServers { get; init; } = true;

    /// <summary>How long a server must be unreachable before it is removed.</summary>
    public TimeSpan DeadServerThreshold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often servers are pinged.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
}
