using Grpc.Core;
using Mesh.Config.Access;
using Mesh.ProxyCfg;
using Mesh.Server.Access;

namespace Mesh.XdsServer.Streams;

/// <summary>
/// The ACL check of an xDS stream (Consul's <c>authorize</c>): the token comes from the <c>x-consul-token</c> gRPC
/// metadata, and serving a sidecar needs <c>service:write</c> on the service it proxies (a gateway: on itself).
/// </summary>
internal static class XdsAuthorization
{
    public const string TokenHeader = "x-consul-token";

    public static RequestToken TokenOf(ServerCallContext context)
        => context.RequestHeaders.GetValue(TokenHeader) is { Length: > 0 } token ? new RequestToken(token) : RequestToken.Anonymous;

    /// <summary>Throws PERMISSION_DENIED when the token may not serve this proxy.</summary>
    public static void Authorize(IAccessPolicy access, RequestToken token, ConfigSnapshot snapshot)
    {
        var service = snapshot.Kind == "connect-proxy" ? snapshot.Proxy.DestinationServiceName : snapshot.Service;
        if (access.Check(token, AclResource.Service, service, AclAccess.Write) is { } denied)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Permission denied: service:write on \"{service}\" is needed to serve proxy {snapshot.ProxyId}: {denied}"));
        }
    }
}
