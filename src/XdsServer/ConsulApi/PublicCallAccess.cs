using Grpc.Core;
using Mesh.Config.Access;
using Mesh.Server.Access;
using Mesh.XdsServer.Streams;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>
/// The ACL checks of Consul's public gRPC services: the token is the <c>x-consul-token</c> metadata (as on the xDS
/// stream); an unknown secret is UNAUTHENTICATED "ACL not found", a missing permission PERMISSION_DENIED with
/// Consul's refusal text.
/// </summary>
internal static class PublicCallAccess
{
    /// <summary>The call's token, after checking that it resolves (any valid token, or anonymous, passes).</summary>
    public static RequestToken Authenticate(IAccessPolicy access, ServerCallContext context)
    {
        var token = XdsAuthorization.TokenOf(context);
        if (access.Authenticate(token) is { } unknown)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, unknown));
        }

        return token;
    }

    /// <summary>Throws PERMISSION_DENIED unless the token has <paramref name="access"/> on the service.</summary>
    public static void RequireService(IAccessPolicy policy, RequestToken token, string service, AclAccess access)
    {
        if (policy.Check(token, AclResource.Service, service, access) is { } denied)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, denied));
        }
    }
}
