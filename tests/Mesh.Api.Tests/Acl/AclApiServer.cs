using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Api.Tests.Support;
using Mesh.Fsm.Model.Acl;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>
/// A real server with ACLs on (default deny unless asked), short token TTL limits and a fast reaper, whose leader has
/// created the built-ins and the anonymous token, bootstrapped through <c>PUT /v1/acl/bootstrap</c>.
/// </summary>
internal static class AclApiServer
{
    public static async Task<(TestServer Server, string Management)> StartAsync(
        AclDefaultPolicy policy = AclDefaultPolicy.Deny, Func<AclConfig, AclConfig>? configure = null)
    {
        var acl = new AclConfig
        {
            Enabled = true,
            DefaultPolicy = policy,
            TokenMinExpirationTtl = TimeSpan.FromSeconds(1),
            TokenReapInterval = TimeSpan.FromMilliseconds(200),
        };
        acl = configure?.Invoke(acl) ?? acl;
        var server = await TestServer.StartAsync(config => config with { Acl = acl });
        await WaitForLeaderDutiesAsync(server);
        if (!string.IsNullOrEmpty(acl.Tokens.InitialManagement))
        {
            return (server, acl.Tokens.InitialManagement);
        }

        var bootstrap = (await server.PutAsync("/v1/acl/bootstrap")).ExpectOk().Json;
        return (server, bootstrap.GetProperty("SecretID").GetString()!);
    }

    public static Task WaitForLeaderDutiesAsync(TestServer server)
        => TestCluster.WaitUntilAsync(
            () => server.Server.Fsm.Current is var state
                  && state.FindAclToken(AclBuiltins.AnonymousTokenAccessorId) is not null
                  && state.FindAclPolicy(AclBuiltins.ManagementPolicyId) is not null
                  && state.FindAclPolicy(AclBuiltins.ReadOnlyPolicyId) is not null,
            TimeSpan.FromSeconds(20),
            "the leader to create the anonymous token and the built-in policies");

    public static Task<ApiResult> AsAsync(this TestServer server, string? token, HttpMethod method, string path, string? body = null)
        => server.SendAsync(method, path, body, request =>
        {
            if (token is not null)
            {
                request.Headers.Add("X-Consul-Token", token);
            }
        });

    /// <summary>Creates a policy (as management) and returns its JSON.</summary>
    public static async Task<JsonElement> CreatePolicyAsync(TestServer server, string management, string name, string rules)
        => (await server.AsAsync(management, HttpMethod.Put, "/v1/acl/policy", JsonSerializer.Serialize(new { Name = name, Rules = rules }))).ExpectOk().Json;

    /// <summary>Creates a token from a JSON body (as management) and returns its JSON.</summary>
    public static async Task<JsonElement> CreateTokenAsync(TestServer server, string management, string body)
        => (await server.AsAsync(management, HttpMethod.Put, "/v1/acl/token", body)).ExpectOk().Json;
}
