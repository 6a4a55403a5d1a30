using Envoy.Config.Core.V3;
using Mesh.ProxyCfg;
using Mesh.Server.Access;

namespace Mesh.EnvoyResources.Proxyless;

/// <summary>
/// Who a proxyless client says it is. A client names its own service with the node metadata key <c>service</c>
/// (a string) in its xDS bootstrap; failing that, a <c>node.id</c> equal to a registered service's name names that
/// service. Intentions are only applied to clients that name a service: an anonymous client sees every service.
/// </summary>
public sealed record ProxylessClient(string NodeId, string? DeclaredService)
{
    public const string ServiceMetadataKey = "service";

    public static ProxylessClient From(Node node)
    {
        string? declared = null;
        if (node.Metadata?.Fields.TryGetValue(ServiceMetadataKey, out var value) == true
            && value.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue
            && value.StringValue.Length > 0)
        {
            declared = value.StringValue;
        }

        return new ProxylessClient(node.Id, declared);
    }

    /// <summary>The proxycfg key of this client's snapshots when it streams with <paramref name="token"/>.</summary>
    public ProxylessKey KeyFor(RequestToken token) => ProxylessKey.Of(NodeId, DeclaredService, token);
}
