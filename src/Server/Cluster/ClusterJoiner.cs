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
/// </summary>
public sealed partial class ClusterJoiner(ServerRuntime runtime, ServerRpc rpc, RpcDispatcher self, ClusterOptions options, ILogger<ClusterJoiner> logger)
{
    private readonly HashSet<string> _reportedMismatches = new(StringComparer.Ordinal);

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
        var tasks = options.RetryJoin.Select(async address =>
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
    }
}

/// <summary>How this server finds and forms its cluster.</summary>
public sealed record ClusterOptions
{
    public bool BootstrapAlone { get; init; }

    public int BootstrapExpect { get; init; }

    public IReadOnlyList<string> RetryJoin { get; init; } = [];

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);
}
