using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary>
/// ACLs on a delta xDS stream (default_policy = deny): serving the web sidecar needs service:write on web, checked
/// at stream open and again when the token changes; a token deleted while the stream is open ends it.
/// </summary>
public sealed class XdsAclTests
{
    private static async Task<XdsMesh> StartAsync()
    {
        var mesh = await XdsMesh.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(mesh.Server);
        mesh.Server.Http.DefaultRequestHeaders.Add("X-Consul-Token", management);
        await mesh.RegisterDbAsync(1);
        await mesh.RegisterWebSidecarAsync();
        return mesh;
    }

    private static async Task<RpcException> RefusalAsync(XdsMesh mesh, string? token)
    {
        await using var envoy = mesh.OpenWeb(token);
        await envoy.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster });
        return await envoy.ExpectErrorAsync();
    }

    [Fact]
    public async Task StreamWithoutTokenOrWithoutServiceWrite_IsRefused_TheRightTokenIsServed()
    {
        await using var mesh = await StartAsync();
        var readOnly = await AclTestTokens.CreateAsync(mesh.Server, """service "web" { policy = "read" } service_prefix "" { policy = "read" }""");
        var otherWrite = await AclTestTokens.CreateAsync(mesh.Server, """service "db" { policy = "write" }""");
        var webWrite = await AclTestTokens.CreateAsync(mesh.Server, """service "web" { policy = "write" }""");

        var none = await RefusalAsync(mesh, token: null);
        Assert.Equal(StatusCode.PermissionDenied, none.StatusCode);
        Assert.Contains("lacks permission 'service:write' on \"web\"", none.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, (await RefusalAsync(mesh, readOnly)).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await RefusalAsync(mesh, otherWrite)).StatusCode);
        var unknown = await RefusalAsync(mesh, Guid.NewGuid().ToString());
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        Assert.Equal("ACL not found", unknown.Status.Detail);

        await using var envoy = mesh.OpenWeb(webWrite);
        await envoy.SyncAsync();
        Assert.Contains("local_app", envoy.HeldOf(XdsTypeUrls.Cluster).Keys);
    }

    [Fact]
    public async Task TokenDeletedWhileStreamIsOpen_ClosesItWithPermissionDenied()
    {
        await using var mesh = await StartAsync();
        var policyToken = await AclTestTokens.CreateAsync(mesh.Server, """service "web" { policy = "write" }""");
        var policyId = mesh.Server.Server.Fsm.Current.FindAclTokenBySecret(policyToken)!.Policies[0].Id;
        var accessor = Guid.NewGuid().ToString();
        var secret = await AclTestTokens.CreateTokenAsync(mesh.Server, [policyId], accessor);

        await using var envoy = mesh.OpenWeb(secret);
        await envoy.SyncAsync();
        await AclTestTokens.DeleteTokenAsync(mesh.Server, accessor);

        var error = await envoy.ExpectErrorAsync();
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("ACL not found", error.Status.Detail);
    }
}
