using System.Net;
using Mesh.Acl;
using Mesh.Api.Tests.Support;
using Mesh.Fsm.Model.Acl;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary><c>PUT /v1/acl/bootstrap</c>: once, Consul's 403 with the reset index after, 401 with ACLs off.</summary>
public sealed class AclBootstrapTests
{
    [Fact]
    public async Task BootstrapReturnsAManagementToken_OnceOnly_TheSecondGetsConsuls403WithTheResetIndex()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = Mesh.Acl.Authorization.AclDefaultPolicy.Deny } });
        await AclApiServer.WaitForLeaderDutiesAsync(server);

        var first = (await server.PutAsync("/v1/acl/bootstrap")).ExpectOk();
        Assert.Equal("application/json", first.ContentType);
        var token = first.Json;
        Assert.True(AclNames.IsUuid(token.GetProperty("AccessorID").GetString()!));
        var secret = token.GetProperty("SecretID").GetString()!;
        Assert.True(AclNames.IsUuid(secret));
        Assert.Equal(AclBuiltins.BootstrapTokenDescription, token.GetProperty("Description").GetString());
        var link = Assert.Single(token.GetProperty("Policies").EnumerateArray());
        Assert.Equal(AclBuiltins.ManagementPolicyId, link.GetProperty("ID").GetString());
        Assert.Equal("global-management", link.GetProperty("Name").GetString());
        Assert.False(token.GetProperty("Local").GetBoolean());
        Assert.False(token.TryGetProperty("Roles", out _));
        Assert.False(token.TryGetProperty("ExpirationTime", out _));
        Assert.EndsWith("Z", token.GetProperty("CreateTime").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(token.GetProperty("Hash").GetString()!);
        Assert.True(token.GetProperty("CreateIndex").GetInt64() > 0);
        var bootstrapIndex = server.Server.Fsm.Current.AclBootstrap!.BootstrapIndex;

        // The bootstrap token manages everything.
        (await server.AsAsync(secret, HttpMethod.Get, "/v1/operator/raft/configuration")).ExpectOk();

        var before = server.DataDigest();
        var second = await server.PutAsync("/v1/acl/bootstrap");
        second.Expect(HttpStatusCode.Forbidden);
        Assert.Equal($"Permission denied: ACL bootstrap no longer allowed (reset index: {bootstrapIndex})", second.Body);
        Assert.Equal(before, server.DataDigest());

        // A token on the bootstrap request is ignored rather than resolved.
        var withUnknownToken = await server.AsAsync(Guid.NewGuid().ToString(), HttpMethod.Put, "/v1/acl/bootstrap");
        Assert.Contains("ACL bootstrap no longer allowed", withUnknownToken.Expect(HttpStatusCode.Forbidden).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BootstrapCanChooseTheSecret_AndRefusesOneThatIsNotAUuid()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true } });
        await AclApiServer.WaitForLeaderDutiesAsync(server);
        await RejectionAssert.RejectedAsync(server, HttpMethod.Put, "/v1/acl/bootstrap", """{"BootstrapSecret":"not-a-uuid"}""", HttpStatusCode.BadRequest, "UUID");

        var chosen = Guid.NewGuid().ToString();
        var token = (await server.PutAsync("/v1/acl/bootstrap", $$"""{"BootstrapSecret":"{{chosen}}"}""")).ExpectOk().Json;
        Assert.Equal(chosen, token.GetProperty("SecretID").GetString());
    }

    [Fact]
    public async Task InitialManagementTokenIsCreatedByTheLeader_AndBootstrapIsThenRefused()
    {
        var secret = Guid.NewGuid().ToString();
        var (server, _) = await AclApiServer.StartAsync(configure: acl => acl with { Tokens = new AclAgentTokens { InitialManagement = secret } });
        await using (server)
        {
            await TestCluster.WaitUntilAsync(() => server.Server.Fsm.Current.FindAclTokenBySecret(secret) is not null, TimeSpan.FromSeconds(20), "the initial management token");
            var self = (await server.AsAsync(secret, HttpMethod.Get, "/v1/acl/token/self")).ExpectOk().Json;
            Assert.Equal(AclBuiltins.InitialManagementTokenDescription, self.GetProperty("Description").GetString());
            Assert.Equal(secret, self.GetProperty("SecretID").GetString());
            Assert.Equal(AclBuiltins.ManagementPolicyId, Assert.Single(self.GetProperty("Policies").EnumerateArray()).GetProperty("ID").GetString());

            var refused = await server.PutAsync("/v1/acl/bootstrap");
            Assert.StartsWith("Permission denied: ACL bootstrap no longer allowed (reset index: ", refused.Expect(HttpStatusCode.Forbidden).Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryAclEndpointAnswers401WhenAclsAreDisabled()
    {
        await using var server = await TestServer.StartAsync();
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Put, "/v1/acl/bootstrap"), (HttpMethod.Get, "/v1/acl/tokens"), (HttpMethod.Get, "/v1/acl/token/self"),
                     (HttpMethod.Get, "/v1/acl/policies"), (HttpMethod.Get, "/v1/acl/roles"), (HttpMethod.Get, "/v1/acl/templated-policies"),
                 })
        {
            var result = await server.SendAsync(method, path);
            Assert.Equal(HttpStatusCode.Unauthorized, result.Status);
            Assert.Equal("ACL support disabled", result.Body);
        }

        Assert.Empty(server.Server.Fsm.Current.AclTokens);
    }
}
