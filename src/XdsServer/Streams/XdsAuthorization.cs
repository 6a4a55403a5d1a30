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
        if (Refusal(access, token, snapshot) is { } refusal)
        {
            throw new RpcException(refusal);
        }
    }

    /// <summary>
    /// The re-check of an open stream (token, policies or the proxy changed): a token deleted, expired or stripped of
    /// service:write ends the stream with PERMISSION_DENIED, whichever the cause.
    /// </summary>
    public static void Reauthorize(IAccessPolicy access, RequestToken token, ConfigSnapshot snapshot)
    {
        if (Refusal(access, token, snapshot) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal.Detail));
        }
    }

    /// <summary>
    /// Null when the token may serve this proxy; else the gRPC status: Unauthenticated for an unknown or deleted
    /// secret (Consul's "ACL not found"), PermissionDenied when its policies do not grant service:write.
    /// </summary>
    public static Status? Refusal(IAccessPolicy access, RequestToken token, ConfigSnapshot snapshot)
    {
        if (access.Authenticate(token) is { } unknown)
        {
            return new Status(StatusCode.Unauthenticated, unknown);
        }

        var service = snapshot.Kind == "connect-proxy" ? snapshot.Proxy.DestinationServiceName : snapshot.Service;
        return access.Check(token, AclResource.Service, service, AclAccess.Write) is { } denied
            ? new Status(StatusCode.PermissionDenied, denied)
            : null;
    }
}
