using System.Net;
using Mesh.Raft;
using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// Starts Raft the way Consul's servers come together:
/// <list type="bullet">
/// <item>existing Raft state: resume (never bootstrap again; the persisted membership brings the server back);</item>
/// <item><c>-bootstrap</c>, <c>-bootstrap-expect=1</c> or <c>-dev</c> on a fresh folder: bootstrap alone;</item>
/// <item><c>-bootstrap-expect=N</c>: find servers through <c>-retry-join</c>, wait until N fresh servers with the same
/// expectation are known, then the one with the lowest server address bootstraps and adds the others, exactly once;
/// if a running cluster is found instead, join it;</item>
/// <item>no expectation: join whichever running cluster <c>-retry-join</c> reaches.</item>
/// </list>
/// Afterwards <see cref="KeepMembershipAsync"/> brings the server back whenever the cluster removed it (while it was
/// down, by autopilot or <c>DELETE /v1/operator/raft/peer</c>), as Consul's leader re-adds a returning server.
/// </summary>
public sealed partial class ClusterJoiner(ServerRuntime runtime, ServerRpc rpc, RpcDispatcher self, ClusterOptions options, ILogger<ClusterJoiner> logger)
{
    private readonly HashSet<string> _reportedMismatches = new(StringComparer.Ordinal);
    private System.Collections.Immutable.ImmutableList<string> _addedJoinAddresses = [];

    private volatile bool _left;

    /// <summary>After a graceful leave: this server no longer asks to be added back while it shuts down.</summary>
    public void StopRejoining() => _left = true;

    /// <summary>Adds an address to try as if it were given with <c>-retry-join</c> (<c>PUT /v1/agent/join/:address</c>).</summary>
    public void AddJoinAddress(string address)
        => System.Collections.Immutable.ImmutableInterlocked.Update(ref _addedJoinAddresses, list => list.Contains(address) ? list : list.Add(address));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var raft = runtime.Raft;
        if (!raft.IsFresh)
        {
            await raft.StartConsensusAsync(coldStart: false, cancellationToken).ConfigureAwait(false);
            Log.Resumed(logger);
            return;
        }

        if (options.BootstrapAlone)
        {
            await raft.StartConsensusAsync(coldStart: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            if (await TryStepAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(options.RetryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs for the server's life once it is in a cluster. When this server hears no leader (or its own configuration
    /// lacks it) while a server it reaches through <c>-retry-join</c> follows a leader whose configuration does not
    /// list it, this server was removed: it goes to standby (no candidacy, so its stale configuration cannot start
    /// elections that raise the cluster's term) and asks the leader to add it back, which catches it up first. Once
    /// it is in the configuration and follows a leader it takes part in elections again. A server that merely lost
    /// its leader, with the cluster electing a new one, finds no peer with a leader and is left alone.
    /// </summary>
    public async Task KeepMembershipAsync(CancellationToken cancellationToken)
    {
        var raft = runtime.Raft;
        var own = self.Info().RaftAddress;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.MembershipCheckInterval, cancellationToken).ConfigureAwait(false);
            if (!raft.IsConsensusStarted || raft.IsLeader || _left)
            {
                continue;
            }

            var listed = raft.Members.Any(m => ServerAddress.Format(m) == own);
            if (raft.Leader is not null && listed)
            {
                // A leadership transfer's election hold ends by itself; only a removed server's standby ends here.
                if (raft.IsStandby && !raft.IsElectionHeld && await raft.SetStandbyAsync(false, cancellationToken).ConfigureAwait(false))
                {
                    Log.Readmitted(logger, ServerAddress.Format(raft.Leader));
                }

                continue;
            }

            var peers = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
            var led = peers.FirstOrDefault(p => p.Leader.Length > 0 && p.Leader != own && p.Members.Count > 0);
            if (led is null || led.Members.Contains(own, StringComparer.Ordinal))
            {
                continue; // no cluster to return to, or we are a member and it is electing or catching us up
            }

            if (!raft.IsStandby && await raft.SetStandbyAsync(true, cancellationToken).ConfigureAwait(false))
            {
                Log.RemovedStandby(logger, led.Leader);
            }

            await JoinAsync(led, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round of discovery; true when this server is part of a cluster.</summary>
    private async Task<bool> TryStepAsync(CancellationToken cancellationToken)
    {
        var raft = runtime.Raft;
        if (raft.IsConsensusStarted && raft.Leader is not null && raft.Members.Count > 1)
        {
            Log.Joined(logger, raft.Leader);
            return true;
        }

        var peers = await DiscoverAsync(cancellationToken).ConfigureAwait(false);

        // A running cluster wins over any bootstrap plan: join it.
        var running = peers.FirstOrDefault(p => p.HasState && p.Leader.Length > 0);
        if (running is not null)
        {
            await EnsureStartedAsync(coldStart: false, cancellationToken).ConfigureAwait(false);
            return await JoinAsync(running, cancellationToken).ConfigureAwait(false);
        }

        if (options.BootstrapExpect <= 1)
        {
            return false;
        }

        var mismatched = peers.Where(p => p.BootstrapExpect != 0 && p.BootstrapExpect != options.BootstrapExpect).ToList();
        foreach (var peer in mismatched)
        {
            if (_reportedMismatches.Add(peer.RaftAddress))
            {
                Log.ExpectMismatch(logger, options.BootstrapExpect, peer.NodeName, peer.RaftAddress, peer.BootstrapExpect);
            }
        }

        if (mismatched.Count > 0)
        {
            return false;
        }

        var candidates = peers.Where(p => !p.HasState).Append(self.Info()).DistinctBy(p => p.RaftAddress).ToList();
        if (candidates.Count < options.BootstrapExpect)
        {
            Log.Waiting(logger, candidates.Count, options.BootstrapExpect);
            return false;
        }

        var bootstrapper = candidates.MinBy(p => p.RaftAddress, StringComparer.Ordinal)!;
        if (bootstrapper.RaftAddress != self.Info().RaftAddress)
        {
            // Another server bootstraps and adds us; keep looking until we are in.
            await EnsureStartedAsync(coldStart: false, cancellationToken).ConfigureAwait(false);
            return false;
        }

        await EnsureStartedAsync(coldStart: true, cancellationToken).ConfigureAwait(false);
        await raft.WaitForLeaderAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.Bootstrapping(logger, string.Join(", ", candidates.Select(c => $"{c.NodeName} ({c.RaftAddress})")));
        }
        foreach (var peer in candidates.Where(c => c.RaftAddress != bootstrapper.RaftAddress))
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (await raft.AddVoterAsync(ServerRpc.ParseEndPoint(peer.RaftAddress, 8300), cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception error) when (error is NotLeaderException or NoLeaderException)
                {
                    // Another server leads now; servers not yet added join through it on their own.
                    Log.AddFailed(logger, peer.RaftAddress, error.Message);
                    return raft.Members.Count > 1;
                }
                catch (Exception error) when (error is InvalidOperationException or IOException or System.Net.Sockets.SocketException)
                {
                    Log.AddFailed(logger, peer.RaftAddress, error.Message);
                }

                await Task.Delay(options.RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task EnsureStartedAsync(bool coldStart, CancellationToken cancellationToken)
    {
        if (!runtime.Raft.IsConsensusStarted)
        {
            await runtime.Raft.StartConsensusAsync(coldStart, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> JoinAsync(InfoResponse running, CancellationToken cancellationToken)
    {
        var target = running.Leader;
        for (var attempt = 0; attempt < 3 && target.Length > 0; attempt++)
        {
            try
            {
                var answer = await rpc.CallAsync<AckResponse>(
                    ServerRpc.ParseEndPoint(target, 8300),
                    new JoinRequest { RaftAddress = self.Info().RaftAddress, NodeName = runtime.Self.NodeName, Datacenter = runtime.Self.Datacenter },
                    TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                if (answer.Ok)
                {
                    Log.JoinAccepted(logger, target);
                    return true;
                }

                if (!answer.NotLeader)
                {
                    Log.JoinRefused(logger, target, answer.Error ?? "refused");
                    return false;
                }

                target = answer.LeaderHint;
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException && !cancellationToken.IsCancellationRequested)
            {
                Log.JoinRefused(logger, target, error.Message);
                return false;
            }
        }

        return false;
    }

    private async Task<List<InfoResponse>> DiscoverAsync(CancellationToken cancellationToken)
    {
        var own = self.Info().RaftAddress;
        var tasks = options.RetryJoin.Concat(_addedJoinAddresses).Distinct(StringComparer.Ordinal).Select(async address =>
        {
            try
            {
                var info = await rpc.CallAsync<InfoResponse>(ServerRpc.ParseEndPoint(address, 8300), new InfoRequest { FromAddress = own }, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                return info;
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        });
        var infos = await Task.WhenAll(tasks).ConfigureAwait(false);
        return [.. infos.OfType<InfoResponse>().Where(i => i.RaftAddress != own && runtime.Self.IsLocalDatacenter(i.Datacenter))];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Resuming from existing Raft state; not bootstrapping")]
        public static partial void Resumed(ILogger logger);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "In a cluster led by {Leader}")]
        public static partial void Joined(ILogger logger, EndPoint leader);

        [LoggerMessage(EventId = 4203, Level = LogLevel.Error, Message = "Refusing to bootstrap: this server expects {Expected} servers but {Node} ({Address}) expects {Theirs}. Give every server the same -bootstrap-expect")]
        public static partial void ExpectMismatch(ILogger logger, int expected, string node, string address, int theirs);

        [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Waiting for servers to bootstrap: {Known} of {Expected} known")]
        public static partial void Waiting(ILogger logger, int known, int expected);

        [LoggerMessage(EventId = 4205, Level = LogLevel.Information, Message = "Bootstrapping a new cluster with {Servers}")]
        public static partial void Bootstrapping(ILogger logger, string servers);

        [LoggerMessage(EventId = 4206, Level = LogLevel.Warning, Message = "Adding server {Address} failed: {Reason}; retrying")]
        public static partial void AddFailed(ILogger logger, string address, string reason);

        [LoggerMessage(EventId = 4207, Level = LogLevel.Information, Message = "Joined the cluster through {Leader}")]
        public static partial void JoinAccepted(ILogger logger, string leader);

        [LoggerMessage(EventId = 4208, Level = LogLevel.Warning, Message = "Join through {Target} failed: {Reason}")]
        public static partial void JoinRefused(ILogger logger, string target, string reason);

        [LoggerMessage(EventId = 4209, Level = LogLevel.Warning, Message = "This server is not in the configuration of the cluster led by {Leader}: standing by (no elections) and asking to be added back")]
        public static partial void RemovedStandby(ILogger logger, string leader);

        [LoggerMessage(EventId = 4210, Level = LogLevel.Information, Message = "Back in the cluster's configuration, following {Leader}; taking part in elections again")]
        public static partial void Readmitted(ILogger logger, string leader);
    }
}

/// <summary>How this server finds and forms its cluster.</summary>
public sealed record ClusterOptions
{
    public bool BootstrapAlone { get; init; }

    public int BootstrapExpect { get; init; }

    public IReadOnlyList<string> RetryJoin { get; init; } = [];

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a server in a cluster checks that it is still in the configuration (see <c>KeepMembershipAsync</c>).</summary>
    public TimeSpan MembershipCheckInterval { get; init; } = TimeSpan.FromSeconds(2);
}
