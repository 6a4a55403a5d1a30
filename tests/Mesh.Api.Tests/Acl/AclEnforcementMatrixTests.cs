using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>
/// Every endpoint group against five tokens (none, unknown, read-only, write on another service, the right one) on a
/// server with ACLs on: each gets Consul's answer (403 ACL not found / Permission denied, a filtered list, or success).
/// </summary>
public sealed class AclEnforcementMatrixTests
{
    private const string Authorize = """{"Target":"web","ClientCertURI":"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/a"}""";

    private static Func<AgentConfig, AgentConfig> Config(AclDefaultPolicy policy) => config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = policy } };

    [Fact]
    public async Task DefaultDenyGivesConsulsAnswerForEveryTokenOnEveryGroup()
    {
        await using var server = await TestServer.StartAsync(Config(AclDefaultPolicy.Deny));
        await AclMatrix.SeedAsync(server);
        var node = server.NodeName;
        AclMatrixCase[] cases =
        [
            new("catalog register", HttpMethod.Put, "/v1/catalog/register",
                """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"ID":"web2","Service":"web","Port":9090}}""",
                """service "web" { policy = "write" }""", ["denied", "notfound", "denied", "denied", "ok"]),
            new("catalog register changing the node", HttpMethod.Put, "/v1/catalog/register",
                """{"Node":"n1","Address":"10.0.0.9","Service":{"ID":"web3","Service":"web","Port":9090}}""",
                """service "web" { policy = "write" } node "n1" { policy = "write" }""", ["denied", "notfound", "denied", "denied", "ok"]),
            new("catalog services", HttpMethod.Get, "/v1/catalog/services", null,
                """service "web" { policy = "read" }""", ["items:0", "notfound", "items:3", "items:0+filtered", "items:1+filtered"]),
            new("catalog nodes", HttpMethod.Get, "/v1/catalog/nodes", null,
                """node "n1" { policy = "read" }""", ["items:0", "notfound", "items:2", "items:0+filtered", "items:1+filtered"]),
            new("health service", HttpMethod.Get, "/v1/health/service/db", null,
                """service "db" { policy = "read" } node "n1" { policy = "read" }""", ["items:0", "notfound", "items:1", "items:0+filtered", "items:1"]),
            new("health state", HttpMethod.Get, "/v1/health/state/any", null,
                """service "db" { policy = "read" }""", ["items:0", "notfound", "items:3", "items:0+filtered", "items:1+filtered"]),
            new("intention write", HttpMethod.Put, "/v1/connect/intentions/exact?source=a&destination=web", """{"Action":"allow"}""",
                """service "web" { intentions = "write" }""", ["denied", "notfound", "denied", "denied", "ok"]),
            new("intention read", HttpMethod.Get, "/v1/connect/intentions/exact?source=a&destination=web", null,
                """service "web" { intentions = "read" }""", ["denied", "notfound", "ok", "denied", "ok"]),
            new("config write service-defaults", HttpMethod.Put, "/v1/config", """{"Kind":"service-defaults","Name":"web","Protocol":"http"}""",
                """service "web" { policy = "write" }""", ["denied", "notfound", "denied", "denied", "ok"]),
            new("config write proxy-defaults", HttpMethod.Put, "/v1/config", """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""",
                """mesh = "write" """, ["denied", "notfound", "denied", "denied", "ok"]),
            new("config read service-defaults", HttpMethod.Get, "/v1/config/service-defaults/web", null,
                """service "web" { policy = "read" }""", ["denied", "notfound", "ok", "denied", "ok"]),
            new("config read proxy-defaults (no permission needed)", HttpMethod.Get, "/v1/config/proxy-defaults/global", null,
                """service "x" { policy = "read" }""", ["ok", "notfound", "ok", "ok", "ok"]),
            new("config list service-defaults", HttpMethod.Get, "/v1/config/service-defaults", null,
                """service "web" { policy = "read" }""", ["items:0", "notfound", "items:1", "items:0+filtered", "items:1"]),
            new("discovery chain", HttpMethod.Get, "/v1/discovery-chain/web", null,
                """service "web" { policy = "read" }""", ["denied", "notfound", "ok", "denied", "ok"]),
            new("ui service topology", HttpMethod.Get, "/v1/internal/ui/service-topology/web", null,
                """service "web" { policy = "read" }""", ["denied", "notfound", "ok", "denied", "ok"]),
            new("authorize", HttpMethod.Post, "/v1/agent/connect/authorize", Authorize,
                """service "web" { policy = "write" }""", ["denied", "notfound", "denied", "denied", "ok"]),
            new("snapshot save needs acl:write", HttpMethod.Get, "/v1/snapshot", null,
                """acl = "write" """, ["denied", "notfound", "denied", "denied", "ok"]),
            new("operator raft configuration", HttpMethod.Get, "/v1/operator/raft/configuration", null,
                """operator = "read" """, ["denied", "notfound", "ok", "denied", "ok"]),
            new("agent self", HttpMethod.Get, "/v1/agent/self", null,
                $$"""agent "{{node}}" { policy = "read" }""", ["denied", "notfound", "ok", "denied", "ok"]),
            new("agent metrics", HttpMethod.Get, "/v1/agent/metrics", null,
                $$"""agent "{{node}}" { policy = "read" }""", ["denied", "notfound", "ok", "denied", "ok"]),
            new("agent members", HttpMethod.Get, "/v1/agent/members", null,
                $$"""node "{{node}}" { policy = "read" }""", ["items:0", "notfound", "items:1", "items:0+filtered", "items:1"]),
            new("status leader (no token resolved)", HttpMethod.Get, "/v1/status/leader", null,
                """operator = "read" """, ["ok", "ok", "ok", "ok", "ok"]),
            new("ca roots (no token resolved)", HttpMethod.Get, "/v1/connect/ca/roots", null,
                """operator = "read" """, ["ok", "ok", "ok", "ok", "ok"]),
            new("acl policy list", HttpMethod.Get, "/v1/acl/policies", null,
                """acl = "read" """, ["denied", "notfound", "denied", "denied", "ok"]),
            new("acl token list", HttpMethod.Get, "/v1/acl/tokens", null,
                """acl = "read" """, ["denied", "notfound", "denied", "denied", "ok"]),
            new("acl policy create", HttpMethod.Put, "/v1/acl/policy", """{"Name":"matrix","Rules":"node_prefix \"\" { policy = \"read\" }"}""",
                """acl = "write" """, ["denied", "notfound", "denied", "denied", "ok"]),
            new("acl role create", HttpMethod.Put, "/v1/acl/role", """{"Name":"matrix"}""",
                """acl = "write" """, ["denied", "notfound", "denied", "denied", "ok"]),
            new("acl token self (only a valid token)", HttpMethod.Get, "/v1/acl/token/self", null,
                """service "x" { policy = "read" }""", ["ok", "notfound", "ok", "ok", "ok"]),
        ];

        var failures = await AclMatrix.RunAsync(server, cases);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ServiceWriteDoesNotImplyIntentionWrite()
    {
        await using var server = await TestServer.StartAsync(Config(AclDefaultPolicy.Deny));
        var serviceWrite = await AclTestTokens.CreateAsync(server, """service "web" { policy = "write" }""");
        var row = new AclMatrixCase("intention write", HttpMethod.Put, "/v1/connect/intentions/exact?source=a&destination=web", """{"Action":"allow"}""", string.Empty, []);
        Assert.Equal("denied", await AclMatrix.AnswerAsync(server, row, serviceWrite, "denied"));
        using var request = new HttpRequestMessage(HttpMethod.Put, row.Path) { Content = new StringContent(row.Body!) };
        request.Headers.Add("X-Consul-Token", serviceWrite);
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("Permission denied: token with AccessorID '", body, StringComparison.Ordinal);
        Assert.EndsWith("lacks permission 'intention:write' on \"web\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultAllowGivesConsulsAnswerForEveryTokenOnEveryGroup()
    {
        await using var server = await TestServer.StartAsync(Config(AclDefaultPolicy.Allow));
        await AclMatrix.SeedAsync(server);
        AclMatrixCase[] cases =
        [
            new("catalog register", HttpMethod.Put, "/v1/catalog/register",
                """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"ID":"web2","Service":"web","Port":9090}}""",
                """service "web" { policy = "write" }""", ["ok", "notfound", "denied", "ok", "ok"]),
            new("catalog services", HttpMethod.Get, "/v1/catalog/services", null,
                """service "web" { policy = "read" }""", ["items:3", "notfound", "items:3", "items:3", "items:3"]),
            new("catalog services with a deny rule", HttpMethod.Get, "/v1/catalog/services", null,
                """service "db" { policy = "deny" }""", ["items:3", "notfound", "items:3", "items:3", "items:2+filtered"]),
            new("intention write", HttpMethod.Put, "/v1/connect/intentions/exact?source=a&destination=web", """{"Action":"allow"}""",
                """service "web" { intentions = "write" }""", ["ok", "notfound", "denied", "ok", "ok"]),
            new("config write proxy-defaults", HttpMethod.Put, "/v1/config", """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""",
                """mesh = "write" """, ["ok", "notfound", "denied", "ok", "ok"]),
            new("snapshot save", HttpMethod.Get, "/v1/snapshot", null,
                """acl = "write" """, ["ok", "notfound", "ok", "ok", "ok"]),
            new("operator raft configuration", HttpMethod.Get, "/v1/operator/raft/configuration", null,
                """operator = "read" """, ["ok", "notfound", "ok", "ok", "ok"]),
            new("health service", HttpMethod.Get, "/v1/health/service/db", null,
                """service "db" { policy = "read" }""", ["items:1", "notfound", "items:1", "items:1", "items:1"]),
            new("acl policy list", HttpMethod.Get, "/v1/acl/policies", null,
                """acl = "read" """, ["ok", "notfound", "ok", "ok", "ok"]),
            new("acl policy list with acl denied", HttpMethod.Get, "/v1/acl/policies", null,
                """acl = "deny" """, ["ok", "notfound", "ok", "ok", "denied"]),
        ];

        var failures = await AclMatrix.RunAsync(server, cases);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
