using Grpc.Core;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;

namespace Mesh.XdsServer.Streams;

/// <summary>
/// Which catalog proxy a stream is for (Consul's proxyID from the first request's Node): <c>node.id</c> is the proxy's
/// service ID, <c>node.metadata.node_name</c> its catalog node. Without a node name Consul assumes the serving agent's
/// node; with no client agents here a proxy may be registered through any server, so when it is not on this server's
/// node the one sidecar or ingress gateway with that service ID anywhere is used.
/// </summary>
internal static class ProxyIdentity
{
    public const string NodeNameKey = "node_name";

    public static ProxyId Resolve(Envoy.Config.Core.V3.Node? node, XdsServerContext server)
    {
        if (node is null || string.IsNullOrWhiteSpace(node.Id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first request must carry node.id: the proxy's service ID in the catalog"));
        }

        if (node.Metadata is { } metadata
            && metadata.Fields.TryGetValue(NodeNameKey, out var value)
            && value.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue
            && value.StringValue.Length > 0)
        {
            return new ProxyId(value.StringValue, node.Id);
        }

        var state = server.Fsm.Current;
        var self = server.Self.NodeName;
        if (state.FindService(self, node.Id) is not null)
        {
            return new ProxyId(self, node.Id);
        }

        var matches = SnapshotBuilder.BuiltKinds.SelectMany(kind => state.ServicesByKind.Get(kind)).Where(key => key.ServiceId == node.Id).Take(2).ToList();
        return matches.Count == 1
            ? new ProxyId(state.FindNode(matches[0].Node)?.Name ?? matches[0].Node, node.Id)
            : new ProxyId(self, node.Id);
    }
}
