using Mesh.Raft;
using Mesh.Server.Cluster;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Membership;

/// <summary>
/// <c>PUT /v1/agent/join/:address</c>, <c>/v1/agent/force-leave/:node</c> and <c>/v1/agent/leave</c> mapped onto Raft:
/// a join is a retry-join address (a server not yet in a cluster joins the one it reaches), a force-leave removes the
/// named server from the Raft configuration, a leave removes this server before it stops. Clusters are never merged:
/// Raft logs cannot be.
/// </summary>
public sealed partial class ServerMembership(ServerRuntime runtime, ServerRpc rpc, ClusterJoiner joiner, ILogger<ServerMembership> logger)
{
    private static readonly TimeSpan JoinWait = TimeSpan.FromSeconds(20);

    private string OwnAddress => ServerAddress.Format(runtime.Self.ServerEndPoint);

    /// <summary>Joins the cluster of the server at <paramref name="address"/> (host:port, default port 8300); returns how many servers were joined (0 or 1).</summary>
    public async Task<int> JoinAsync(string address, CancellationToken cancellationToken)
    {
        var endPoint = ParseAddress(address);
        InfoResponse info;
        try
        {
            info = await rpc.CallAsync<InfoResponse>(endPoint, new InfoRequest { FromAddress = OwnAddress }, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or InvalidDataException
                                      || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MembershipException($"Error joining address '{address}': no Mesh server answered there ({error.Message})");
        }

        if (!runtime.Self.IsLocalDatacenter(info.Datacenter))
        {
            throw new MembershipException($"Error joining address '{address}': server {info.NodeName} is in datacenter \"{info.Datacenter}\", this one in \"{runtime.Self.Datacenter}\" (WAN federation is not supported)");
        }

        var raft = runtime.Raft;
        var members = raft.Members.Select(ServerAddress.Format).ToHashSet(StringComparer.Ordinal);
        if (info.RaftAddress == OwnAddress || (members.Contains(info.RaftAddress) && info.Members.Contains(OwnAddress, StringComparer.Ordinal)))
        {
            return 1; // already together, as a repeated Consul join succeeds
        }

        var inCluster = raft.IsConsensusStarted && raft.Leader is not null;
        if (inCluster && info.Leader.Length == 0 && !info.HasState)
        {
            throw new MembershipException($"Error joining address '{address}': server {info.NodeName} is not in a cluster yet; start it with -retry-join={OwnAddress} (or join this server from it)");
        }

        if (inCluster && (members.Count > 1 || !raft.IsFresh))
        {
            throw new MembershipException($"Error joining address '{address}': server {info.NodeName} belongs to another cluster (leader {(info.Leader.Length > 0 ? info.Leader : "unknown")}) and this server already has Raft state; clusters cannot be merged");
        }

        Log.Joining(logger, address, info.NodeName);
        joiner.AddJoinAddress(info.RaftAddress);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JoinWait);
        try
        {
            while (!(raft.IsConsensusStarted && raft.Leader is not null && raft.Members.Count > 1))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MembershipException($"Error joining address '{address}': not admitted within {JoinWait.TotalSeconds:0}s; this server keeps trying it as a retry-join address");
        }

        return 1;
    }

    /// <summary>Removes the server named <paramref name="node"/> from the Raft configuration.</summary>
    public async Task ForceLeaveAsync(string node, CancellationToken cancellationToken)
    {
        var cluster = runtime.Cluster ?? throw new MembershipException("The cluster layer is not running on this server yet");
        if (string.Equals(node, runtime.Self.NodeName, StringComparison.Ordinal))
        {
            throw new MembershipException($"Cannot force-leave this server itself ({node}): use leave");
        }

        var member = cluster.Servers.FirstOrDefault(s => string.Equals(s.Name, node, StringComparison.Ordinal) || s.Address == node)
            ?? throw new MemberNotFoundException($"agent: No node found with name '{node}'");
        Log.ForceLeaving(logger, node, member.Address);
        try
        {
            await cluster.RemovePeerAsync(member.Address, cancellationToken).ConfigureAwait(false);
        }
        catch (PeerRemovalException refused)
        {
            throw new MembershipException(refused.Message);
        }
    }

    /// <summary>Takes this server out of the Raft configuration (when others remain), before the process stops.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        var raft = runtime.Raft;
        if (runtime.Cluster is not { } cluster || raft.Members.Count <= 1 || raft.Members.All(m => ServerAddress.Format(m) != OwnAddress))
        {
            return;
        }

        Log.Leaving(logger, OwnAddress);
        joiner.StopRejoining();
        try
        {
            await cluster.RemovePeerAsync(OwnAddress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is PeerRemovalException or NoLeaderException or NotLeaderException or InvalidOperationException)
        {
            throw new MembershipException("Leave failed: " + error.Message);
        }
    }

    private static System.Net.EndPoint ParseAddress(string address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid address \"{address}\": expected host or host:port");
        }

        try
        {
            return ServerRpc.ParseEndPoint(address, 8300);
        }
        catch (FormatException error)
        {
            throw new ArgumentException($"Invalid address \"{address}\": {error.Message}", error);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4652, Level = LogLevel.Information, Message = "Join requested: {Address} ({Node})")]
        public static partial void Joining(ILogger logger, string address, string node);

        [LoggerMessage(EventId = 4653, Level = LogLevel.Warning, Message = "Force-leave requested for {Node} ({Address}): removing it from the Raft configuration")]
        public static partial void ForceLeaving(ILogger logger, string node, string address);

        [LoggerMessage(EventId = 4654, Level = LogLevel.Information, Message = "Leaving: removing this server ({Address}) from the Raft configuration")]
        public static partial void Leaving(ILogger logger, string address);
    }
}

/// <summary>A join, force-leave or leave that cannot be done (a client error: the address, the node, the cluster's state).</summary>
public class MembershipException : Exception
{
    public MembershipException()
    {
    }

    public MembershipException(string message)
        : base(message)
    {
    }

    public MembershipException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>No server has that name.</summary>
public sealed class MemberNotFoundException : MembershipException
{
    public MemberNotFoundException()
    {
    }

    public MemberNotFoundException(string message)
        : base(message)
    {
    }

    public MemberNotFoundException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
