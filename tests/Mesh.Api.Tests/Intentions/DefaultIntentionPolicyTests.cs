using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Config.Intentions;
using Mesh.Server;
using Mesh.Testing;

namespace Mesh.Api.Tests.Intentions;

/// <summary>With no matching intention, <c>default_intention_policy</c> decides if set, else the ACL default (allow).</summary>
public sealed class DefaultIntentionPolicyTests
{
    private static AgentIdentity Identity(string? policy) => new()
    {
        NodeName = "n",
        NodeId = Guid.Empty.ToString(),
        Datacenter = "dc1",
        AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new IPEndPoint(IPAddress.Loopback, 8300),
        DefaultIntentionPolicy = policy,
    };

    [Theory]
    [InlineData(null, true, IntentionDecision.AclDefaultReason)]
    [InlineData("allow", true, IntentionDecision.DefaultPolicyReason)]
    [InlineData("deny", false, IntentionDecision.DefaultPolicyReason)]
    public void Default_FollowsTheConfiguredPolicy(string? policy, bool allowed, string reason)
    {
        var decision = IntentionDecision.Default(Identity(policy).DefaultIntentionPolicy);
        Assert.Equal((allowed, reason), (decision.Allowed, decision.Reason));
        Assert.Null(decision.Matched);
    }

    [Fact]
    public async Task DenyPolicy_UnmatchedConnectionsDenied_IntentionsStillAllow()
    {
        await using var server = await TestServer.StartAsync(config => config with { DefaultIntentionPolicy = "deny" });
        await server.PutOkAsync("/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"allow"}""");

        var unmatched = (await server.SendAsync(HttpMethod.Post, "/v1/agent/connect/authorize",
            """{"Target":"db","ClientCertURI":"spiffe://td.consul/ns/default/dc/dc1/svc/api"}""")).ExpectOk().Json;
        Assert.False(unmatched.GetProperty("Authorized").GetBoolean());
        Assert.Equal("Default intention policy", unmatched.GetProperty("Reason").GetString());
        Assert.False((await server.GetOkJsonAsync("/v1/connect/intentions/check?source=api&destination=db")).GetProperty("Allowed").GetBoolean());

        var matched = (await server.SendAsync(HttpMethod.Post, "/v1/agent/connect/authorize",
            """{"Target":"db","ClientCertURI":"spiffe://td.consul/ns/default/dc/dc1/svc/web"}""")).ExpectOk().Json;
        Assert.True(matched.GetProperty("Authorized").GetBoolean());
        Assert.True((await server.GetOkJsonAsync("/v1/connect/intentions/check?source=web&destination=db")).GetProperty("Allowed").GetBoolean());
    }
}
