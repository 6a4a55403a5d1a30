using System.Security.Cryptography;
using Grpc.Core;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;
using Mesh.XdsServer.ConsulApi.ConnectCa;
using Mesh.XdsServer.ConsulApi.Dataplane;
using Mesh.XdsServer.ConsulApi.ServerDiscovery;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.ConsulApi;

/// <summary>
/// ACLs (default deny) on Consul's public gRPC services: bootstrap params need service:read on the proxy's own
/// service name (Consul's <c>ServiceReadAllowed(svc.Service)</c>: web-sidecar-proxy, which a "web" service identity grants),
/// Sign needs service:write on the CSR's service, the watches and the features need a token that resolves.
/// </summary>
public sealed class ConsulApiAclTests
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

    private static GetEnvoyBootstrapParamsRequest WebBootstrap() => new() { NodeName = XdsMesh.WebNode, ProxyId = XdsMesh.WebProxy };

    [Fact]
    public async Task BootstrapParams_NeedServiceReadOnTheProxiedService()
    {
        await using var mesh = await StartAsync();
        var webRead = await AclTestTokens.CreateAsync(mesh.Server, """service "web-sidecar-proxy" { policy = "read" }""");
        var dbWrite = await AclTestTokens.CreateAsync(mesh.Server, """service "db" { policy = "write" }""");

        using var anonymous = new ConsulApiClients(mesh.GrpcPort);
        using var other = new ConsulApiClients(mesh.GrpcPort, dbWrite);
        using var unknown = new ConsulApiClients(mesh.GrpcPort, Guid.NewGuid().ToString());
        using var allowed = new ConsulApiClients(mesh.GrpcPort, webRead);

        var none = await Assert.ThrowsAsync<RpcException>(async () => await anonymous.Dataplane.GetEnvoyBootstrapParamsAsync(WebBootstrap(), ConsulApiClients.Bounded()));
        Assert.Equal(StatusCode.PermissionDenied, none.StatusCode);
        Assert.Contains("lacks permission 'service:read' on \"web-sidecar-proxy\"", none.Status.Detail, StringComparison.Ordinal);
        var wrong = await Assert.ThrowsAsync<RpcException>(async () => await other.Dataplane.GetEnvoyBootstrapParamsAsync(WebBootstrap(), ConsulApiClients.Bounded()));
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await unknown.Dataplane.GetEnvoyBootstrapParamsAsync(WebBootstrap(), ConsulApiClients.Bounded()));
        Assert.Equal(StatusCode.Unauthenticated, notFound.StatusCode);
        Assert.Equal("ACL not found", notFound.Status.Detail);
        var features = await Assert.ThrowsAsync<RpcException>(async () => await unknown.Dataplane.GetSupportedDataplaneFeaturesAsync(new GetSupportedDataplaneFeaturesRequest(), ConsulApiClients.Bounded()));
        Assert.Equal(StatusCode.Unauthenticated, features.StatusCode);

        var bootstrap = await allowed.Dataplane.GetEnvoyBootstrapParamsAsync(WebBootstrap(), ConsulApiClients.Bounded());
        Assert.Equal("web", bootstrap.Identity);
    }

    [Fact]
    public async Task Sign_NeedsServiceWriteOnTheCsrsService_WatchesNeedAValidToken()
    {
        await using var mesh = await StartAsync();
        var webWrite = await AclTestTokens.CreateAsync(mesh.Server, """service "web" { policy = "write" }""");
        using var web = new ConsulApiClients(mesh.GrpcPort, webWrite);
        using var unknown = new ConsulApiClients(mesh.GrpcPort, Guid.NewGuid().ToString());

        var roots = await ConnectCaServiceTests.FirstRootsAsync(web);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forDb = await Assert.ThrowsAsync<RpcException>(async () => await web.Ca.SignAsync(
            new SignRequest { Csr = ConnectCaServiceTests.Csr(key, $"spiffe://{roots.TrustDomain}/ns/default/dc/dc1/svc/db") }, ConsulApiClients.Bounded()));
        Assert.Equal(StatusCode.PermissionDenied, forDb.StatusCode);
        Assert.Contains("service:write", forDb.Status.Detail, StringComparison.Ordinal);

        var forWeb = await web.Ca.SignAsync(new SignRequest { Csr = ConnectCaServiceTests.Csr(key, $"spiffe://{roots.TrustDomain}/ns/default/dc/dc1/svc/web") }, ConsulApiClients.Bounded());
        Assert.NotEmpty(forWeb.CertPem);

        using var rootsCall = unknown.Ca.WatchRoots(new WatchRootsRequest(), ConsulApiClients.Bounded());
        var rootsError = await Assert.ThrowsAsync<RpcException>(async () => await rootsCall.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, rootsError.StatusCode);

        using var serversCall = unknown.Servers.WatchServers(new WatchServersRequest(), ConsulApiClients.Bounded());
        var serversError = await Assert.ThrowsAsync<RpcException>(async () => await serversCall.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, serversError.StatusCode);

        using var webServers = web.Servers.WatchServers(new WatchServersRequest(), ConsulApiClients.Bounded());
        var servers = await ConsulApiClients.ReadUntilAsync(webServers.ResponseStream, r => r.Servers.Count > 0);
        Assert.Equal(mesh.Server.Server.Runtime.Self.NodeId, Assert.Single(servers.Servers).Id);
    }
}
