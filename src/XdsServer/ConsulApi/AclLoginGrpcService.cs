using Grpc.Core;
using Mesh.XdsServer.ConsulApi.Acl;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>
/// <c>hashicorp.consul.acl.ACLService</c>: Mesh has no auth methods yet, so Login and Logout answer UNIMPLEMENTED with
/// the reason; dataplanes use a static token (<c>-credential-type static</c>).
/// </summary>
public sealed class AclLoginGrpcService : ACLService.ACLServiceBase
{
    public const string NoAuthMethods = "Mesh has no ACL auth methods yet, so there is nothing to log in to or out of: use a static ACL token (consul-dataplane -credential-type static -static-token, mesh dataplane -static-token)";

    public override Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
        => throw new RpcException(new Status(StatusCode.Unimplemented, NoAuthMethods));

    public override Task<LogoutResponse> Logout(LogoutRequest request, ServerCallContext context)
        => throw new RpcException(new Status(StatusCode.Unimplemented, NoAuthMethods));
}
