using System.Collections.Immutable;
using Grpc.Core;
using Mesh.Config.Access;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;
using Mesh.Server.Access;
using Mesh.XdsServer.Streams;

namespace Mesh.XdsServer.Tests.Streams;

public sealed class XdsAuthorizationTests
{
    /// <summary>An ACL policy (the hook's plug-in point) that grants service:write on one service to one token.</summary>
    private sealed class OneServicePolicy(string token, string service) : IAccessPolicy
    {
        public List<(string Token, AclResource Resource, string Name, AclAccess Access)> Checks { get; } = [];

        public string? Check(RequestToken requestToken, AclResource resource, string name, AclAccess access)
        {
            Checks.Add((requestToken.SecretId, resource, name, access));
            return requestToken.SecretId == token && name == service ? null : "token lacks service:write";
        }
    }

    [Fact]
    public void Authorize_SidecarNeedsServiceWriteOnItsDestination()
    {
        var policy = new OneServicePolicy("secret", "web");

        XdsAuthorization.Authorize(policy, new RequestToken("secret"), Snapshot());

        Assert.Equal(("secret", AclResource.Service, "web", AclAccess.Write), Assert.Single(policy.Checks));
    }

    [Fact]
    public void Authorize_Denied_IsPermissionDenied()
    {
        var policy = new OneServicePolicy("secret", "web");

        var error = Assert.Throws<RpcException>(() => XdsAuthorization.Authorize(policy, RequestToken.Anonymous, Snapshot()));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("token lacks service:write", error.Status.Detail);
    }

    private static ConfigSnapshot Snapshot() => new()
    {
        Kind = ServiceKind.ConnectProxy,
        ProxyId = new ProxyId("node-web", "web-sidecar-proxy"),
        Service = "web-sidecar-proxy",
        Address = "127.0.0.10",
        Port = 21000,
        Datacenter = "dc1",
        TrustDomain = "11111111-2222-3333-4444-555555555555.consul",
        Proxy = ConnectProxyConfig.Empty with { DestinationServiceName = "web" },
        Roots = new RootsSnapshot(string.Empty, []),
        Leaf = new Mesh.Ca.Leaves.IssuedLeaf
        {
            SerialNumber = "01",
            CertPem = string.Empty,
            PrivateKeyPem = string.Empty,
            Service = "web",
            ServiceUri = "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web",
            ValidAfter = DateTimeOffset.UnixEpoch,
            ValidBefore = DateTimeOffset.UnixEpoch.AddDays(3),
            SigningKeyId = string.Empty,
            RenewAt = DateTimeOffset.UnixEpoch.AddDays(2),
        },
        Intentions = [],
        IntentionDefaultAllow = true,
        Upstreams = ImmutableArray<UpstreamSnapshot>.Empty,
    };
}
