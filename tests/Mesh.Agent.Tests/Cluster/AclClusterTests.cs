using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.Model.Acl;
using Mesh.Raft.Transport;
using Mesh.Server.Access;
using Mesh.Server.Cluster;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>
/// ACLs across a 3-server cluster (default_policy = deny): the leader checks forwarded writes with the original
/// token, tokens written through a follower work on every server, and a snapshot restore brings them back.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class AclClusterTests
{
    private const string WebRegistration = """{"Node":"n1","Address":"10.0.0.1","Service":{"ID":"web1","Service":"web","Port":8080}}""";

    private static Task<TestCluster> StartAsync()
        => TestCluster.StartAsync(3, config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });

    private static async Task<HttpResponseMessage> SendAsync(TestServer server, HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        return await server.Http.SendAsync(request);
    }

    [Fact]
    public async Task LeaderRefusesAForwardedWriteWhoseTokenLacksPermission_EvenSentDirectly()
    {
        await using var cluster = await StartAsync();
        var leader = cluster.Leader;
        var follower = cluster.Followers.First();
        var dbOnly = await AclTestTokens.CreateAsync(leader, """service "db" { policy = "write" } node "n1" { policy = "write" }""");
        await TestCluster.WaitUntilAsync(() => follower.Server.Fsm.Current.FindAclTokenBySecret(dbOnly) is not null, TimeSpan.FromSeconds(15), "token replicated");

        // Through the follower's HTTP API: refused at the edge.
        using (var refused = await SendAsync(follower, HttpMethod.Put, "/v1/catalog/register", dbOnly, new StringContent(WebRegistration, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("lacks permission 'service:write' on \"web\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Straight to the leader over the server RPC port, as a follower (or anyone reaching that port) would forward it.
        var command = new RegisterCommand
        {
            Node = "n1",
            NodeId = "7c0a36b7-3d05-4c1c-9a6e-000000000001",
            Address = "10.0.0.1",
            Datacenter = "dc1",
            Service = new NodeService { Id = "web1", Service = "web", Port = 8080 },
        };
        await using var rpc = new ServerRpc(new RpcClient());
        var forwarder = new LeaderForwarder(new LeaderRpc(rpc));
        var leaderEndPoint = leader.Server.Runtime.Self.ServerEndPoint;
        var denied = await forwarder.ForwardAsync(leaderEndPoint, command, new RequestToken(dbOnly), CancellationToken.None);
        Assert.Equal(ApplyErrorKind.PermissionDenied, denied.ErrorKind);
        Assert.Contains("lacks permission 'service:write' on \"web\"", denied.Error, StringComparison.Ordinal);
        var anonymous = await forwarder.ForwardAsync(leaderEndPoint, command, RequestToken.Anonymous, CancellationToken.None);
        Assert.Equal(ApplyErrorKind.PermissionDenied, anonymous.ErrorKind);
        var unknown = await forwarder.ForwardAsync(leaderEndPoint, command, new RequestToken(Guid.NewGuid().ToString()), CancellationToken.None);
        Assert.Equal("ACL not found", unknown.Error);
        Assert.Null(leader.Server.Fsm.Current.FindService("n1", "web1"));

        var webAndNode = await AclTestTokens.CreateAsync(leader, """service "web" { policy = "write" } node "n1" { policy = "write" }""");
        var allowed = await forwarder.ForwardAsync(leaderEndPoint, command, new RequestToken(webAndNode), CancellationToken.None);
        Assert.True(allowed.Succeeded, allowed.Error);
        Assert.NotNull(leader.Server.Fsm.Current.FindService("n1", "web1"));
    }

    [Fact]
    public async Task TokensWrittenThroughAFollowerWorkOnEveryServer_AndASnapshotRestoreBringsThemBack()
    {
        await using var cluster = await StartAsync();
        var leader = cluster.Leader;
        var follower = cluster.Followers.First();
        var management = await AclTestTokens.ManagementAsync(leader);
        await TestCluster.WaitUntilAsync(() => follower.Server.Fsm.Current.FindAclTokenBySecret(management) is not null, TimeSpan.FromSeconds(15), "management token replicated");

        // Policy and token written through the follower's command pipeline, forwarded with the management token.
        var policyId = Guid.NewGuid().ToString();
        var accessor = Guid.NewGuid().ToString();
        var secret = Guid.NewGuid().ToString();
        var managementToken = new RequestToken(management);
        var policy = await follower.Server.Runtime.Commands.SubmitAsync(
            new AclPolicySetCommand { Policy = new AclPolicy { Id = policyId, Name = "web-writer", Rules = """service "web" { policy = "write" } node "n1" { policy = "write" }""" } },
            managementToken, CancellationToken.None);
        Assert.True(policy.Succeeded, policy.Error);
        var token = await follower.Server.Runtime.Commands.SubmitAsync(
            new AclTokenSetCommand
            {
                Token = new AclToken
                {
                    AccessorId = accessor,
                    SecretId = secret,
                    Description = "web",
                    Policies = [new AclLink { Id = policyId }],
                    CreateTimeUnixMilliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                },
            },
            managementToken, CancellationToken.None);
        Assert.True(token.Succeeded, token.Error);

        // The same write without acl:write is refused by the leader.
        var refused = await follower.Server.Runtime.Commands.SubmitAsync(new AclTokenDeleteCommand { AccessorId = accessor }, new RequestToken(secret), CancellationToken.None);
        Assert.Equal(ApplyErrorKind.PermissionDenied, refused.ErrorKind);

        await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        foreach (var server in cluster.Running)
        {
            using var response = await SendAsync(server, HttpMethod.Put, "/v1/catalog/register", secret, new StringContent(WebRegistration, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var denied = await SendAsync(server, HttpMethod.Get, "/v1/operator/raft/configuration", secret);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        using var saved = await SendAsync(follower, HttpMethod.Get, "/v1/snapshot", management);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var archive = await saved.Content.ReadAsByteArrayAsync();

        await AclTestTokens.DeleteTokenAsync(leader, accessor);
        await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        using (var gone = await SendAsync(follower, HttpMethod.Get, "/v1/catalog/services", secret))
        {
            Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode);
            Assert.Equal("ACL not found", await gone.Content.ReadAsStringAsync());
        }

        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-gzip");
        using (var restored = await SendAsync(follower, HttpMethod.Put, "/v1/snapshot", management, content))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }

        await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        foreach (var server in cluster.Running)
        {
            using var back = await SendAsync(server, HttpMethod.Get, "/v1/catalog/services", secret);
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
            Assert.Contains("\"web\"", await back.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AclApiWritesThroughAFollowerWorkOnEveryServer_AndASnapshotRestoreBringsThemBack()
    {
        var initial = Guid.NewGuid().ToString();
        await using var cluster = await TestCluster.StartAsync(3, config => config with
        {
            Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny, Tokens = new AclAgentTokens { InitialManagement = initial } },
        });
        var follower = cluster.Followers.First();

        // Every server is configured with the initial management token; the leader creates it once, with the built-ins.
        await TestCluster.WaitUntilAsync(
            () => cluster.Running.All(s => s.Server.Fsm.Current.FindAclTokenBySecret(initial) is not null
                                            && s.Server.Fsm.Current.FindAclToken(AclBuiltins.AnonymousTokenAccessorId) is not null
                                            && s.Server.Fsm.Current.FindAclPolicy(AclBuiltins.ReadOnlyPolicyId) is not null),
            TimeSpan.FromSeconds(20), "the leader's ACL set-up on every server");
        Assert.Single(follower.Server.Fsm.Current.AclTokens.Values, t => t.Description == AclBuiltins.InitialManagementTokenDescription);
        Assert.NotNull(follower.Server.Fsm.Current.AclBootstrap);

        // Policy and token created through the follower's HTTP API (forwarded to the leader with the caller's token).
        using (var policy = await SendAsync(follower, HttpMethod.Put, "/v1/acl/policy", initial, Json("""{"Name":"web-writer","Rules":"service \"web\" { policy = \"write\" }\nnode \"n1\" { policy = \"write\" }"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        string accessor;
        string secret;
        using (var created = await SendAsync(follower, HttpMethod.Put, "/v1/acl/token", initial, Json("""{"Description":"web","Policies":[{"Name":"web-writer"}]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            using var body = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            accessor = body.RootElement.GetProperty("AccessorID").GetString()!;
            secret = body.RootElement.GetProperty("SecretID").GetString()!;
            Assert.Equal("web-writer", body.RootElement.GetProperty("Policies")[0].GetProperty("Name").GetString());
        }

        // The follower's own token without acl:write cannot write ACLs, through any server.
        using (var refused = await SendAsync(follower, HttpMethod.Put, "/v1/acl/policy", secret, Json("""{"Name":"x"}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        foreach (var server in cluster.Running)
        {
            using var register = await SendAsync(server, HttpMethod.Put, "/v1/catalog/register", secret, Json(WebRegistration));
            Assert.Equal(HttpStatusCode.OK, register.StatusCode);
            using var read = await SendAsync(server, HttpMethod.Get, $"/v1/acl/token/{accessor}", initial);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var self = await SendAsync(server, HttpMethod.Get, "/v1/acl/token/self", secret);
            Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        }

        using var saved = await SendAsync(follower, HttpMethod.Get, "/v1/snapshot", initial);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var archive = await saved.Content.ReadAsByteArrayAsync();

        using (var deleted = await SendAsync(follower, HttpMethod.Delete, $"/v1/acl/token/{accessor}", initial))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        foreach (var server in cluster.Running)
        {
            using var gone = await SendAsync(server, HttpMethod.Get, "/v1/acl/token/self", secret);
            Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode);
        }

        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-gzip");
        using (var restored = await SendAsync(follower, HttpMethod.Put, "/v1/snapshot", initial, content))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }

        await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(15));
        foreach (var server in cluster.Running)
        {
            using var back = await SendAsync(server, HttpMethod.Get, "/v1/acl/token/self", secret);
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
            using var policyBack = await SendAsync(server, HttpMethod.Get, "/v1/acl/policy/name/web-writer", initial);
            Assert.Equal(HttpStatusCode.OK, policyBack.StatusCode);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
