using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Raft;
using Mesh.Server.Access;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Membership;

/// <summary>
/// The leader's reconcile of servers into the catalog, as Consul's leader does from Serf events: every server of the
/// Raft configuration has its node, a <c>consul</c> service on the server port and a serfHealth check (passing while it
/// answers pings, critical once it has missed several in a row); a server node whose server is no longer in the Raft
/// configuration (removed, force-left, left) is deregistered. Writes go through the command pipeline, and only when
/// the catalog differs from what it should be.
/// </summary>
public sealed partial class ServerCatalogReconciler(ServerRuntime runtime, ILogger<ServerCatalogReconciler> logger)
{
    /// <summary>Missed rounds before a server's serfHealth turns critical (a new leader has not pinged anyone yet).</summary>
    private const int FailedRoundsBeforeCritical = 3;

    private readonly Dictionary<string, int> _failedRounds = new(StringComparer.Ordinal);

    /// <summary>One round; returns the number of catalog changes proposed (0 when the catalog was right or this server does not lead).</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!runtime.Raft.IsLeader || runtime.Cluster is not { } cluster)
        {
            _failedRounds.Clear();
            return 0;
        }

        var state = runtime.Fsm.Current;
        var self = runtime.Self;
        var servers = cluster.Servers;
        var ownAddress = Cluster.ServerAddress.Format(self.ServerEndPoint);
        var commands = new List<Command>();
        foreach (var server in servers)
        {
            var isSelf = server.Address == ownAddress || server.Name == self.NodeName;
            var name = isSelf ? self.NodeName : server.Name;
            if (name.Length == 0)
            {
                continue; // not heard from yet: no name to register under
            }

            var failed = !isSelf && !server.Alive && Bump(server.Address) >= FailedRoundsBeforeCritical;
            if (isSelf || server.Alive)
            {
                _failedRounds.Remove(server.Address);
            }

            var (host, port) = ServerCatalogEntry.Split(server.Address);
            if (isSelf)
            {
                host = self.AdvertiseAddress;
            }

            var wan = isSelf ? self.AdvertiseWanAddress : server.WanAddress.Length > 0 ? server.WanAddress : host;
            var status = failed ? HealthStatus.Critical : HealthStatus.Passing;
            var node = state.FindNode(name);
            if (!server.Alive && !isSelf && (node is null || !failed))
            {
                continue; // a server never seen alive is not registered; one briefly silent keeps its state
            }

            var service = state.FindService(name, ServerCatalogEntry.ServiceName);
            var check = state.FindCheck(name, ServerCatalogEntry.SerfCheckId);
            if (node is null || service is null || service.Port != port || service.Address != host || check?.Status != status
                || node.Meta.GetValueOrDefault(ServerCatalogEntry.ServerAddressMetaKey) != server.Address
                || node.TaggedAddresses.GetValueOrDefault("wan") != wan)
            {
                var nodeId = isSelf ? self.NodeId : server.Id;
                commands.Add(ServerCatalogEntry.Register(name, nodeId, self.Datacenter, host, port, MeshVersion.ConsulCompatible, status, wan) with
                {
                    NodeMeta = WithAddress(node, server.Address),
                });
            }
        }

        var members = servers.Select(s => s.Address).ToHashSet(StringComparer.Ordinal);
        foreach (var node in state.Nodes.Values)
        {
            if (node.Meta.GetValueOrDefault(ServerCatalogEntry.ServerMetaKey) == "true"
                && node.Meta.GetValueOrDefault(ServerCatalogEntry.ServerAddressMetaKey) is { Length: > 0 } address
                && !members.Contains(address))
            {
                Log.Deregistering(logger, node.Name, address);
                commands.Add(new DeregisterCommand { Node = node.Name });
            }
        }

        if (commands.Count == 0)
        {
            return 0;
        }

        try
        {
            var result = await runtime.Commands.SubmitAsync(new BatchCommand { Commands = commands }, RequestToken.Server, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                Log.Refused(logger, result.Error ?? "refused");
            }
        }
        catch (Exception error) when (error is NotLeaderException or NoLeaderException)
        {
            return 0;
        }

        return commands.Count;
    }

    private int Bump(string address)
    {
        var rounds = _failedRounds.GetValueOrDefault(address) + 1;
        _failedRounds[address] = rounds;
        return rounds;
    }

    /// <summary>The node's meta as the server itself registered it, with its server address (a missing node gets the standard keys).</summary>
    private static IReadOnlyDictionary<string, string> WithAddress(Node? node, string address)
    {
        var meta = new Dictionary<string, string>(node?.Meta ?? EmptyMap.Strings, StringComparer.Ordinal)
        {
            [ServerCatalogEntry.ServerMetaKey] = "true",
            [ServerCatalogEntry.ServerAddressMetaKey] = address,
        };
        meta.TryAdd("consul-network-segment", string.Empty);
        return EmptyMap.Sorted<string>(meta);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4650, Level = LogLevel.Information, Message = "Deregistering server node {Node} ({Address}): no longer in the Raft configuration")]
        public static partial void Deregistering(ILogger logger, string node, string address);

        [LoggerMessage(EventId = 4651, Level = LogLevel.Warning, Message = "Reconciling servers into the catalog was refused: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);
    }
}
