using System.Net;
using System.Text.Json;
using Mesh.Acl.Authorization;
using Mesh.Api.Tests.Support;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Api.Tests.Acl;

/// <summary>Token create/read/update/clone/delete/list and <c>token/self</c> over HTTP, with Consul's shapes and rules.</summary>
public sealed class AclTokenApiTests
{
    [Fact]
    public async Task CreateByPolicyName_ReadShowsLinksWithIdAndName_SecretOnlyForAclWrite()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var policy = await AclApiServer.CreatePolicyAsync(server, management, "web-writer", """service "web" { policy = "write" }""");
        var policyId = policy.GetProperty("ID").GetString()!;

        var created = await AclApiServer.CreateTokenAsync(server, management, """{"Description":"web sidecar","Policies":[{"Name":"web-writer"}],"ServiceIdentities":[{"ServiceName":"api","Datacenters":["dc1"]}]}""");
        var accessor = created.GetProperty("AccessorID").GetString()!;
        var secret = created.GetProperty("SecretID").GetString()!;
        Assert.True(AclNames.IsUuid(accessor) && AclNames.IsUuid(secret));
        var link = Assert.Single(created.GetProperty("Policies").EnumerateArray());
        Assert.Equal(policyId, link.GetProperty("ID").GetString());
        Assert.Equal("web-writer", link.GetProperty("Name").GetString());
        var identity = Assert.Single(created.GetProperty("ServiceIdentities").EnumerateArray());
        Assert.Equal("api", identity.GetProperty("ServiceName").GetString());
        Assert.Equal("dc1", Assert.Single(identity.GetProperty("Datacenters").EnumerateArray()).GetString());
        Assert.False(created.TryGetProperty("NodeIdentities", out _));
        Assert.False(created.TryGetProperty("ExpirationTTL", out _));

        // Field order follows Consul's struct.
        var names = created.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["AccessorID", "SecretID", "Description", "Policies", "ServiceIdentities", "Local", "CreateTime", "Hash", "CreateIndex", "ModifyIndex"], names);

        var read = (await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/token/{accessor}")).ExpectOk();
        Assert.Equal(secret, read.Json.GetProperty("SecretID").GetString());
        Assert.Equal(created.GetProperty("Hash").GetString(), read.Json.GetProperty("Hash").GetString());
        Assert.True(read.Index >= created.GetProperty("ModifyIndex").GetInt64());

        // acl:read alone sees the token with its secret hidden; no acl permission at all is a 403.
        var reader = (await AclApiServer.CreateTokenAsync(server, management, """{"Policies":[{"ID":"00000000-0000-0000-0000-000000000002"}]}""")).GetProperty("SecretID").GetString()!;
        var hidden = (await server.AsAsync(reader, HttpMethod.Get, $"/v1/acl/token/{accessor}")).ExpectOk().Json;
        Assert.Equal("<hidden>", hidden.GetProperty("SecretID").GetString());
        var listed = (await server.AsAsync(reader, HttpMethod.Get, "/v1/acl/tokens")).ExpectOk().Json;
        Assert.All(listed.EnumerateArray(), item => Assert.Equal("<hidden>", item.GetProperty("SecretID").GetString()));
        var denied = await server.AsAsync(secret, HttpMethod.Get, $"/v1/acl/token/{accessor}");
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.StartsWith("Permission denied: token with AccessorID '" + accessor + "' lacks permission 'acl:read'", denied.Body, StringComparison.Ordinal);

        // The token works for what its policy and its service identity grant, and nothing else.
        (await server.AsAsync(secret, HttpMethod.Put, "/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"Service":"web","Port":80}}""")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(management, HttpMethod.Put, "/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1"}""")).ExpectOk();
        (await server.AsAsync(secret, HttpMethod.Put, "/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"Service":"web","Port":80}}""")).ExpectOk();
        (await server.AsAsync(secret, HttpMethod.Put, "/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"Service":"api-sidecar-proxy","Port":21000}}""")).ExpectOk();
        (await server.AsAsync(secret, HttpMethod.Put, "/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"Service":"db","Port":5432}}""")).Expect(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SelfUpdateCloneDelete_FollowConsul()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        await AclApiServer.CreatePolicyAsync(server, management, "p1", """node_prefix "" { policy = "read" }""");
        await AclApiServer.CreatePolicyAsync(server, management, "p2", """service_prefix "" { policy = "read" }""");
        var created = await AclApiServer.CreateTokenAsync(server, management, """{"Description":"one","Policies":[{"Name":"p1"}]}""");
        var accessor = created.GetProperty("AccessorID").GetString()!;
        var secret = created.GetProperty("SecretID").GetString()!;

        // token/self needs no permission, only a valid secret.
        var self = (await server.AsAsync(secret, HttpMethod.Get, "/v1/acl/token/self")).ExpectOk().Json;
        Assert.Equal(accessor, self.GetProperty("AccessorID").GetString());
        Assert.Equal(secret, self.GetProperty("SecretID").GetString());
        var unknown = await server.AsAsync(Guid.NewGuid().ToString(), HttpMethod.Get, "/v1/acl/token/self");
        Assert.Equal(HttpStatusCode.Forbidden, unknown.Status);
        Assert.Equal("ACL not found", unknown.Body);

        // Update replaces links and description; secret and create time are kept; the path and body IDs must agree.
        var updated = (await server.AsAsync(management, HttpMethod.Put, $"/v1/acl/token/{accessor}", """{"Description":"two","Policies":[{"Name":"p2"}]}""")).ExpectOk().Json;
        Assert.Equal("two", updated.GetProperty("Description").GetString());
        Assert.Equal("p2", Assert.Single(updated.GetProperty("Policies").EnumerateArray()).GetProperty("Name").GetString());
        Assert.Equal(secret, updated.GetProperty("SecretID").GetString());
        Assert.Equal(created.GetProperty("CreateTime").GetString(), updated.GetProperty("CreateTime").GetString());
        Assert.Equal(created.GetProperty("CreateIndex").GetInt64(), updated.GetProperty("CreateIndex").GetInt64());
        Assert.NotEqual(created.GetProperty("Hash").GetString(), updated.GetProperty("Hash").GetString());
        await RejectionAssert.RejectedAsync(server, HttpMethod.Put, $"/v1/acl/token/{accessor}", $$"""{"AccessorID":"{{Guid.NewGuid()}}"}""",
            HttpStatusCode.BadRequest, "Token Accessor ID in URL and payload do not match", Management(management));
        await RejectionAssert.RejectedAsync(server, HttpMethod.Put, $"/v1/acl/token/{accessor}", $$"""{"SecretID":"{{Guid.NewGuid()}}"}""",
            HttpStatusCode.BadRequest, "SecretID", Management(management));
        await RejectionAssert.RejectedAsync(server, HttpMethod.Put, $"/v1/acl/token/{accessor}", """{"ExpirationTTL":"10m"}""",
            HttpStatusCode.BadRequest, "Cannot change expiration time", Management(management));

        // Clone: new accessor and secret, same links, description replaced when given.
        var clone = (await server.AsAsync(management, HttpMethod.Put, $"/v1/acl/token/{accessor}/clone", """{"Description":"copy"}""")).ExpectOk().Json;
        Assert.NotEqual(accessor, clone.GetProperty("AccessorID").GetString());
        Assert.NotEqual(secret, clone.GetProperty("SecretID").GetString());
        Assert.Equal("copy", clone.GetProperty("Description").GetString());
        Assert.Equal("p2", Assert.Single(clone.GetProperty("Policies").EnumerateArray()).GetProperty("Name").GetString());

        // Delete: true; unknown also true; the caller's own token and the anonymous token are refused.
        Assert.True((await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/token/{accessor}")).ExpectOk().Json.GetBoolean());
        Assert.True((await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/token/{accessor}")).ExpectOk().Json.GetBoolean());
        var gone = await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/token/{accessor}");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("Supplied token does not exist", gone.Body);
        Assert.Equal("ACL not found", (await server.AsAsync(secret, HttpMethod.Get, "/v1/acl/token/self")).Body);
        var managementAccessor = server.Server.Fsm.Current.FindAclTokenBySecret(management)!.AccessorId;
        await RejectionAssert.RejectedAsync(server, HttpMethod.Delete, $"/v1/acl/token/{managementAccessor}", null,
            HttpStatusCode.BadRequest, "Deletion of the request's authorization token is not permitted", Management(management));
        var anonymous = await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/token/{AclBuiltins.AnonymousTokenAccessorId}");
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.Status);
        Assert.Contains("anonymous token", anonymous.Body, StringComparison.Ordinal);
        Assert.NotNull(server.Server.Fsm.Current.FindAclToken(AclBuiltins.AnonymousTokenAccessorId));
    }

    [Fact]
    public async Task ListFiltersAsConsul_AndBlocksUntilATokenChanges()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var policyId = (await AclApiServer.CreatePolicyAsync(server, management, "p", """node_prefix "" { policy = "read" }""")).GetProperty("ID").GetString()!;
        var byPolicy = (await AclApiServer.CreateTokenAsync(server, management, """{"Policies":[{"Name":"p"}]}""")).GetProperty("AccessorID").GetString()!;
        var byService = (await AclApiServer.CreateTokenAsync(server, management, """{"ServiceIdentities":[{"ServiceName":"web"}]}""")).GetProperty("AccessorID").GetString()!;

        var all = (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/tokens")).ExpectOk();
        var accessors = all.Json.EnumerateArray().Select(t => t.GetProperty("AccessorID").GetString()).ToList();
        Assert.Contains(byPolicy, accessors);
        Assert.Contains(byService, accessors);
        Assert.Contains(AclBuiltins.AnonymousTokenAccessorId, accessors);
        Assert.Equal(accessors.Order(StringComparer.Ordinal), accessors);
        Assert.Equal(byPolicy, Assert.Single((await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/tokens?policy={policyId}")).ExpectOk().Json.EnumerateArray()).GetProperty("AccessorID").GetString());
        Assert.Equal(byService, Assert.Single((await server.AsAsync(management, HttpMethod.Get, "/v1/acl/tokens?servicename=web")).ExpectOk().Json.EnumerateArray()).GetProperty("AccessorID").GetString());
        Assert.Empty((await server.AsAsync(management, HttpMethod.Get, "/v1/acl/tokens?authmethod=k8s")).ExpectOk().Json.EnumerateArray());
        var both = await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/tokens?policy={policyId}&servicename=web");
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.Equal("can only filter by one of policy, role, serviceName, or authmethod at once", both.Body);

        // A blocking list parks until a token changes, then answers with the new index.
        var index = all.Index;
        var blocked = server.AsAsync(management, HttpMethod.Get, $"/v1/acl/tokens?index={index}&wait=30s");
        await Task.Delay(200);
        Assert.False(blocked.IsCompleted);
        var added = await AclApiServer.CreateTokenAsync(server, management, """{"Description":"wakes the list"}""");
        var woke = (await blocked).ExpectOk();
        Assert.True(woke.Index > index);
        Assert.Contains(woke.Json.EnumerateArray(), t => t.GetProperty("AccessorID").GetString() == added.GetProperty("AccessorID").GetString());
    }

    [Fact]
    public async Task ExpiredTokenIsAclNotFoundAtItsExpiry_BeforeAnyReaping()
    {
        var (server, management) = await AclApiServer.StartAsync(configure: acl => acl with { TokenReapInterval = TimeSpan.FromHours(1) });
        await using var owned = server;
        var created = await AclApiServer.CreateTokenAsync(server, management, """{"ExpirationTTL":"1s","ServiceIdentities":[{"ServiceName":"web"}]}""");
        var accessor = created.GetProperty("AccessorID").GetString()!;
        var secret = created.GetProperty("SecretID").GetString()!;
        var expiration = DateTimeOffset.Parse(created.GetProperty("ExpirationTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        while (DateTimeOffset.UtcNow <= expiration.AddMilliseconds(100))
        {
            await Task.Delay(100);
        }

        Assert.NotNull(server.Server.Fsm.Current.FindAclToken(accessor));
        var refused = await server.AsAsync(secret, HttpMethod.Get, "/v1/acl/token/self");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("ACL not found", refused.Body);
    }

    [Fact]
    public async Task ExpiredTokenIsReapedByTheLeader()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var created = await AclApiServer.CreateTokenAsync(server, management, """{"Description":"short","ExpirationTTL":"2s","ServiceIdentities":[{"ServiceName":"web"}]}""");
        var accessor = created.GetProperty("AccessorID").GetString()!;
        var secret = created.GetProperty("SecretID").GetString()!;
        var createTime = DateTimeOffset.Parse(created.GetProperty("CreateTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var expiration = DateTimeOffset.Parse(created.GetProperty("ExpirationTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(2), expiration - createTime);
        (await server.AsAsync(secret, HttpMethod.Get, "/v1/acl/token/self")).ExpectOk();

        // The leader writes the expiry as a command: the row goes away on every server, and the secret stops working.
        await Mesh.Testing.TestCluster.WaitUntilAsync(() => server.Server.Fsm.Current.FindAclToken(accessor) is null, TimeSpan.FromSeconds(20), "the reaper to delete the token");
        Assert.True(DateTimeOffset.UtcNow >= expiration);
        var refused = await server.AsAsync(secret, HttpMethod.Get, "/v1/catalog/services");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("ACL not found", refused.Body);
    }

    private static Action<HttpRequestMessage> Management(string secret) => request => request.Headers.Add("X-Consul-Token", secret);
}
