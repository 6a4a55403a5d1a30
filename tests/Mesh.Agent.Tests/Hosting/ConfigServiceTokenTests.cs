using System.Net;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Hosting;

/// <summary>
/// A service defined in a config file is registered with its definition's <c>token</c> when ACLs are on (Consul's
/// agent does the same): with a token that has service:write it registers; without one (and no
/// <c>acl.tokens.default</c>) it is refused with a log line naming it, and the agent keeps running.
/// </summary>
public sealed class ConfigServiceTokenTests
{
    [Fact]
    public async Task AclsDeny_ConfigServiceWithItsToken_Registers_WithoutToken_IsRefusedAndLogged()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "services.hcl");
        await File.WriteAllTextAsync(file, """
            services {
              name = "db"
              port = 5432
            }
            checks {
              id         = "db-alive"
              name       = "db alive"
              service_id = "db"
              ttl        = "30s"
            }
            """);
        var logs = new CapturedLogs();
        AgentConfig? initial = null;
        var acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny };
        await using var server = await TestServer.StartAsync(c => AgentConfigFile.Apply(initial = c with { Acl = acl }, file), loggerFactory: logs);
        server.Server.ReloadSource = () => AgentConfigFile.Apply(initial!, file);
        var node = server.NodeName;

        // At start: db has no token, so the anonymous token is denied; the agent logs it and goes on.
        await Eventually.ValueAsync(() => Task.FromResult(logs.Lines), lines => lines.Any(l => l.Contains("[8650]", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the refusal to be logged");
        var refusal = Assert.Single(logs.Lines, l => l.Contains("[8650]", StringComparison.Ordinal));
        Assert.Contains("Service db (\"db\") of the config files was not registered: Permission denied", refusal, StringComparison.Ordinal);
        Assert.Contains("\"token\"", refusal, StringComparison.Ordinal);
        Assert.Null(server.Server.Fsm.Current.FindService(node, "db"));
        Assert.Null(server.Server.Fsm.Current.FindCheck(node, "db-alive")); // its service was refused, so it waits too

        var management = await AclTestTokens.ManagementAsync(server);
        var webToken = await AclTestTokens.CreateAsync(server, "service \"web\" { policy = \"write\" }");
        await File.WriteAllTextAsync(file, $$"""
            services {
              name  = "web"
              port  = 8080
              token = "{{webToken}}"
            }
            services {
              name  = "api"
              port  = 9090
              token = "{{webToken}}"
            }
            services {
              name = "db"
              port = 5432
            }
            """);
        using (var reload = await SendAsync(server, HttpMethod.Put, "/v1/agent/reload", management))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }

        // web: its token allows it. api: the token has no service:write on api. db: still no token.
        using var catalog = await SendAsync(server, HttpMethod.Get, "/v1/catalog/service/web", management);
        var body = await catalog.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Contains("\"ServicePort\":8080", body, StringComparison.Ordinal);
        Assert.Null(server.Server.Fsm.Current.FindService(node, "api"));
        Assert.Null(server.Server.Fsm.Current.FindService(node, "db"));
        Assert.Contains(logs.Lines, l => l.Contains("Service api (\"api\") of the config files was not registered", StringComparison.Ordinal));

        // The agent still serves requests.
        using var leader = await SendAsync(server, HttpMethod.Get, "/v1/status/leader", management);
        Assert.Equal(HttpStatusCode.OK, leader.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestServer server, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Consul-Token", token);
        return await server.Http.SendAsync(request);
    }
}
