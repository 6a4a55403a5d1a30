using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>
/// <c>mesh acl ...</c> and the token flags against a real server with <c>default_policy = deny</c>. In the
/// process-environment collection: the token precedence tests set <c>CONSUL_HTTP_TOKEN</c> and friends, which every
/// command in the process would otherwise pick up.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class AclCommandTests
{
    private static readonly (string, string?)[] NoTokenEnvironment =
        [("MESH_HTTP_TOKEN", null), ("CONSUL_HTTP_TOKEN", null), ("MESH_HTTP_TOKEN_FILE", null), ("CONSUL_HTTP_TOKEN_FILE", null)];

    private static Task<TestServer> StartDenyAsync()
        => TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });

    private static async Task<string> BootstrapAsync(string addr)
    {
        var result = await Cli.RunAsync("acl", "bootstrap", "-http-addr", addr, "-format=json");
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement.GetProperty("SecretID").GetString()!;
    }

    private static async Task<HttpStatusCode> CatalogRegisterAsync(TestServer server, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/catalog/register")
        {
            Content = new StringContent("""{"Node":"n1","Address":"10.0.0.1","Service":{"ID":"web1","Service":"web","Port":8080}}""", Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Bootstrap_PolicyFromRulesFile_TokenByPolicyName_ReadAsJson_ThenTheTokenWritesTheCatalog()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        await using var server = await StartDenyAsync();
        var addr = server.Http.BaseAddress!.ToString();
        using var dir = new TempDirectory();

        // Bootstrap in text form: Consul's aligned lines and the management policy link.
        var bootstrap = await Cli.RunAsync("acl", "bootstrap", "-http-addr", addr);
        Assert.True(bootstrap.ExitCode == 0, bootstrap.Error);
        var lines = Cli.Lines(bootstrap.Out);
        Assert.Matches("^AccessorID: {7}[0-9a-f-]{36}$", lines[0]);
        Assert.Matches("^SecretID: {9}[0-9a-f-]{36}$", lines[1]);
        Assert.Equal("Description:      Bootstrap Token (Global Management)", lines[2]);
        Assert.Equal("Local:            false", lines[3]);
        Assert.StartsWith("Create Time:      ", lines[4], StringComparison.Ordinal);
        Assert.Equal("Policies:", lines[5]);
        Assert.Equal("00000000-0000-0000-0000-000000000001 - global-management", lines[6]);
        var management = lines[1]["SecretID:".Length..].Trim();

        // A second bootstrap is refused with Consul's 403, and the CLI exits 1.
        var again = await Cli.RunAsync("acl", "bootstrap", "-http-addr", addr);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("Failed ACL bootstrapping: Unexpected response code: 403", again.Error, StringComparison.Ordinal);
        Assert.Contains("ACL bootstrap no longer allowed", again.Error, StringComparison.Ordinal);

        var rules = Path.Combine(dir.Path, "web.hcl");
        await File.WriteAllTextAsync(rules, "service \"web\" {\n  policy = \"write\"\n}\nnode \"n1\" {\n  policy = \"write\"\n}\n");
        var policy = await Cli.RunAsync("acl", "policy", "create", "-http-addr", addr, "-token", management,
            "-name", "web-writer", "-description=Writes web", "-rules", "@" + rules);
        Assert.True(policy.ExitCode == 0, policy.Error);
        var policyLines = Cli.Lines(policy.Out);
        Assert.Matches("^ID: {11}[0-9a-f-]{36}$", policyLines[0]);
        Assert.Equal("Name:         web-writer", policyLines[1]);
        Assert.Equal("Description:  Writes web", policyLines[2]);
        Assert.Contains("Rules:", policyLines);
        Assert.Contains("service \"web\" {", policy.Out, StringComparison.Ordinal);

        var created = await Cli.RunAsync("acl", "token", "create", "-http-addr", addr, "-token=" + management,
            "-policy-name", "web-writer", "-description", "web token", "-format=json");
        Assert.True(created.ExitCode == 0, created.Error);
        var token = JsonDocument.Parse(created.Out).RootElement;
        var accessor = token.GetProperty("AccessorID").GetString()!;
        var secret = token.GetProperty("SecretID").GetString()!;
        Assert.StartsWith("{\n    \"", created.Out, StringComparison.Ordinal); // Consul's four-space JSON

        var read = await Cli.RunAsync("acl", "token", "read", "-http-addr", addr, "-token", management, "-id", accessor, "-format=json");
        Assert.True(read.ExitCode == 0, read.Error);
        var readToken = JsonDocument.Parse(read.Out).RootElement;
        Assert.Equal(accessor, readToken.GetProperty("AccessorID").GetString());
        Assert.Equal(secret, readToken.GetProperty("SecretID").GetString());
        Assert.Equal("web token", readToken.GetProperty("Description").GetString());
        var link = Assert.Single(readToken.GetProperty("Policies").EnumerateArray());
        Assert.Equal("web-writer", link.GetProperty("Name").GetString());

        var expanded = await Cli.RunAsync("acl", "token", "read", "-http-addr", addr, "-token", management, "-id", accessor, "-expanded", "-format=json");
        Assert.True(expanded.ExitCode == 0, expanded.Error);
        var expandedPolicy = Assert.Single(JsonDocument.Parse(expanded.Out).RootElement.GetProperty("ExpandedPolicies").EnumerateArray());
        Assert.Contains("service \"web\"", expandedPolicy.GetProperty("Rules").GetString(), StringComparison.Ordinal);

        // A unique prefix of the accessor is enough, as in Consul; the text form lists the policy link.
        var byPrefix = await Cli.RunAsync("acl", "token", "read", "-http-addr", addr, "-token", management, "-id", accessor[..8]);
        Assert.True(byPrefix.ExitCode == 0, byPrefix.Error);
        Assert.Contains($"AccessorID:       {accessor}", byPrefix.Out, StringComparison.Ordinal);
        Assert.Contains($"   {link.GetProperty("ID").GetString()} - web-writer", byPrefix.Out, StringComparison.Ordinal);

        // The token writes the catalog; without it the write is refused.
        Assert.Equal(HttpStatusCode.Forbidden, await CatalogRegisterAsync(server, token: null));
        Assert.Equal(HttpStatusCode.OK, await CatalogRegisterAsync(server, secret));
        var registered = await Cli.RunAsync("services", "register", "-http-addr", addr, "-token", secret, "-name=web", "-port=80");
        Assert.True(registered.ExitCode == 0, registered.Error);
        var refused = await Cli.RunAsync("services", "register", "-http-addr", addr, "-name=web", "-port=81");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Unexpected response code: 403 (Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'service:write' on \"web\")", refused.Error, StringComparison.Ordinal);
        var unknown = await Cli.RunAsync("catalog", "services", "-http-addr", addr, "-token", Guid.NewGuid().ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("Unexpected response code: 403 (ACL not found)", unknown.Error, StringComparison.Ordinal);

        var list = await Cli.RunAsync("acl", "token", "list", "-http-addr", addr, "-token", management);
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains($"AccessorID:       {accessor}", list.Out, StringComparison.Ordinal);
        Assert.Contains(lines[0], Cli.Lines(list.Out)); // the bootstrap token's AccessorID line
        Assert.Contains("Description:      Bootstrap Token (Global Management)", list.Out, StringComparison.Ordinal);

        var deleted = await Cli.RunAsync("acl", "token", "delete", "-http-addr", addr, "-token", management, "-id", accessor);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal($"Token \"{accessor}\" deleted successfully", deleted.Out.Trim());
        Assert.Equal(HttpStatusCode.Forbidden, await CatalogRegisterAsync(server, secret));
    }

    [Fact]
    public async Task TokenUpdateCloneAndIdentities_PolicyAndRoleLifecycle()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        await using var server = await StartDenyAsync();
        var addr = server.Http.BaseAddress!.ToString();
        var management = await BootstrapAsync(addr);
        string[] auth = ["-http-addr", addr, "-token", management];

        // Rules from standard input.
        var fromStdin = await RunWithInputAsync("service_prefix \"\" { policy = \"read\" }", ["acl", "policy", "create", .. auth, "-name", "readers", "-rules", "-", "-format=json"]);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.Error);
        var readersId = JsonDocument.Parse(fromStdin.Out).RootElement.GetProperty("ID").GetString()!;
        Assert.Equal("service_prefix \"\" { policy = \"read\" }", JsonDocument.Parse(fromStdin.Out).RootElement.GetProperty("Rules").GetString());

        var created = await Cli.RunAsync(["acl", "token", "create", .. auth, "-service-identity", "web:dc1", "-node-identity", "n1:dc1", "-format", "json"]);
        Assert.True(created.ExitCode == 0, created.Error);
        var token = JsonDocument.Parse(created.Out).RootElement;
        var accessor = token.GetProperty("AccessorID").GetString()!;
        Assert.Equal("web", token.GetProperty("ServiceIdentities")[0].GetProperty("ServiceName").GetString());
        Assert.Equal("dc1", token.GetProperty("NodeIdentities")[0].GetProperty("Datacenter").GetString());

        var templated = await Cli.RunAsync(["acl", "token", "create", .. auth, "-templated-policy", "builtin/service", "-var", "name:api", "-expires-ttl", "1h", "-format=json"]);
        Assert.True(templated.ExitCode == 0, templated.Error);
        var templatedToken = JsonDocument.Parse(templated.Out).RootElement;
        Assert.Equal("builtin/service", templatedToken.GetProperty("TemplatedPolicies")[0].GetProperty("TemplateName").GetString());
        Assert.Equal("api", templatedToken.GetProperty("TemplatedPolicies")[0].GetProperty("TemplateVariables").GetProperty("Name").GetString());
        var expiry = DateTimeOffset.Parse(templatedToken.GetProperty("ExpirationTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var createdAt = DateTimeOffset.Parse(templatedToken.GetProperty("CreateTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(1), expiry - createdAt);
        var tooLong = await Cli.RunAsync(["acl", "token", "create", .. auth, "-expires-ttl", "48h"]);
        Assert.Equal(1, tooLong.ExitCode);
        Assert.Contains("Failed to create new token: Unexpected response code: 400", tooLong.Error, StringComparison.Ordinal);

        var updated = await Cli.RunAsync(["acl", "token", "update", .. auth, "-id", accessor, "-policy-id", readersId[..8], "-description", "now a reader"]);
        Assert.True(updated.ExitCode == 0, updated.Error);
        Assert.Equal("Token updated successfully.", Cli.Lines(updated.Out)[0]);
        Assert.Contains("Description:      now a reader", updated.Out, StringComparison.Ordinal);
        Assert.Contains($"   {readersId} - readers", updated.Out, StringComparison.Ordinal);
        Assert.Contains("   web (Datacenters: dc1)", updated.Out, StringComparison.Ordinal); // identities kept
        Assert.Contains("   n1 (Datacenter: dc1)", updated.Out, StringComparison.Ordinal);

        var cloned = await Cli.RunAsync(["acl", "token", "clone", .. auth, "-id", accessor, "-description", "the clone"]);
        Assert.True(cloned.ExitCode == 0, cloned.Error);
        Assert.Equal("Token cloned successfully.", Cli.Lines(cloned.Out)[0]);
        Assert.Contains("Description:      the clone", cloned.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(accessor, cloned.Out, StringComparison.Ordinal);

        var role = await Cli.RunAsync(["acl", "role", "create", .. auth, "-name", "ops", "-policy-name", "readers", "-service-identity", "api"]);
        Assert.True(role.ExitCode == 0, role.Error);
        Assert.Equal("Name:         ops", Cli.Lines(role.Out)[1]);
        Assert.Contains($"   {readersId} - readers", role.Out, StringComparison.Ordinal);
        Assert.Contains("   api (Datacenters: all)", role.Out, StringComparison.Ordinal);

        var withRole = await Cli.RunAsync(["acl", "token", "create", .. auth, "-role-name", "ops", "-format=json"]);
        Assert.True(withRole.ExitCode == 0, withRole.Error);
        Assert.Equal("ops", JsonDocument.Parse(withRole.Out).RootElement.GetProperty("Roles")[0].GetProperty("Name").GetString());

        var roleUpdate = await Cli.RunAsync(["acl", "role", "update", .. auth, "-id", JsonDocument.Parse(withRole.Out).RootElement.GetProperty("Roles")[0].GetProperty("ID").GetString()!, "-description", "operators"]);
        Assert.True(roleUpdate.ExitCode == 0, roleUpdate.Error);
        Assert.Contains("Description:  operators", roleUpdate.Out, StringComparison.Ordinal);
        Assert.Contains($"   {readersId} - readers", roleUpdate.Out, StringComparison.Ordinal); // merged, not replaced

        var roles = await Cli.RunAsync(["acl", "role", "list", .. auth]);
        Assert.True(roles.ExitCode == 0, roles.Error);
        Assert.Contains("ops:", Cli.Lines(roles.Out));

        var policyUpdate = await Cli.RunAsync(["acl", "policy", "update", .. auth, "-name", "readers", "-description", "reads everything"]);
        Assert.True(policyUpdate.ExitCode == 0, policyUpdate.Error);
        Assert.Contains("Description:  reads everything", policyUpdate.Out, StringComparison.Ordinal);
        Assert.Contains("service_prefix \"\" { policy = \"read\" }", policyUpdate.Out, StringComparison.Ordinal); // rules kept

        var byName = await Cli.RunAsync(["acl", "policy", "read", .. auth, "-name", "readers", "-format=json"]);
        Assert.True(byName.ExitCode == 0, byName.Error);
        Assert.Equal(readersId, JsonDocument.Parse(byName.Out).RootElement.GetProperty("ID").GetString());

        var policies = await Cli.RunAsync(["acl", "policy", "list", .. auth]);
        Assert.True(policies.ExitCode == 0, policies.Error);
        Assert.Contains("readers:", Cli.Lines(policies.Out));
        Assert.Contains("global-management:", Cli.Lines(policies.Out));

        var roleDeleted = await Cli.RunAsync(["acl", "role", "delete", .. auth, "-name", "ops"]);
        Assert.True(roleDeleted.ExitCode == 0, roleDeleted.Error);
        Assert.EndsWith("deleted successfully", roleDeleted.Out.Trim(), StringComparison.Ordinal);
        var policyDeleted = await Cli.RunAsync(["acl", "policy", "delete", .. auth, "-id", readersId]);
        Assert.True(policyDeleted.ExitCode == 0, policyDeleted.Error);
        Assert.Equal($"Policy \"{readersId}\" deleted successfully", policyDeleted.Out.Trim());
        var gone = await Cli.RunAsync(["acl", "policy", "read", .. auth, "-id", readersId]);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"Error reading policy \"{readersId}\": Unexpected response code: 404", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenPrecedence_FlagThenFileFlagThenFileEnvThenEnv_MeshBeforeConsul()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        await using var server = await StartDenyAsync();
        var addr = server.Http.BaseAddress!.ToString();
        var management = await BootstrapAsync(addr);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "flag", "file-flag", "mesh-file-env", "consul-file-env", "mesh-env", "consul-env" })
        {
            var created = await Cli.RunAsync("acl", "token", "create", "-http-addr", addr, "-token", management, "-description", name, "-format=json");
            Assert.True(created.ExitCode == 0, created.Error);
            secrets[name] = JsonDocument.Parse(created.Out).RootElement.GetProperty("SecretID").GetString()!;
        }

        using var dir = new TempDirectory();
        string FileOf(string name)
        {
            var path = Path.Combine(dir.Path, name);
            File.WriteAllText(path, "  " + secrets[name] + "\n"); // trimmed, as Consul's client does
            return path;
        }

        // Which token did the request carry? token/self answers with its description.
        async Task<string> SelfAsync(params string[] extra)
        {
            var result = await Cli.RunAsync(["acl", "token", "read", "-self", "-http-addr", addr, "-format=json", .. extra]);
            Assert.True(result.ExitCode == 0, result.Error);
            return JsonDocument.Parse(result.Out).RootElement.GetProperty("Description").GetString()!;
        }

        using (new EnvironmentScope(("CONSUL_HTTP_TOKEN", secrets["consul-env"])))
        {
            Assert.Equal("consul-env", await SelfAsync());
            using (new EnvironmentScope(("MESH_HTTP_TOKEN", secrets["mesh-env"])))
            {
                Assert.Equal("mesh-env", await SelfAsync());
                using (new EnvironmentScope(("CONSUL_HTTP_TOKEN_FILE", FileOf("consul-file-env"))))
                {
                    Assert.Equal("consul-file-env", await SelfAsync());
                    using (new EnvironmentScope(("MESH_HTTP_TOKEN_FILE", FileOf("mesh-file-env"))))
                    {
                        Assert.Equal("mesh-file-env", await SelfAsync());
                        Assert.Equal("file-flag", await SelfAsync("-token-file", FileOf("file-flag")));
                        Assert.Equal("flag", await SelfAsync("-token-file", FileOf("file-flag"), "-token", secrets["flag"]));
                    }
                }
            }
        }

        // An empty token file counts as unset; a missing one is an error naming it.
        var empty = Path.Combine(dir.Path, "empty");
        await File.WriteAllTextAsync(empty, "\n");
        using (new EnvironmentScope(("CONSUL_HTTP_TOKEN", secrets["consul-env"])))
        {
            Assert.Equal("consul-env", await SelfAsync("-token-file", empty));
        }

        var missing = await Cli.RunAsync("catalog", "services", "-http-addr", addr, "-token-file", Path.Combine(dir.Path, "nope"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Error loading token file", missing.Error, StringComparison.Ordinal);
        Assert.Contains("nope", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAgentToken_ChangesTheDefaultTokenInMemory_NeedsAclWrite()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        await using var server = await StartDenyAsync();
        var addr = server.Http.BaseAddress!.ToString();
        var management = await BootstrapAsync(addr);
        using var dir = new TempDirectory();
        var rules = Path.Combine(dir.Path, "r.hcl");
        await File.WriteAllTextAsync(rules, "service_prefix \"\" { policy = \"read\" }\nnode_prefix \"\" { policy = \"read\" }\n");
        Assert.Equal(0, (await Cli.RunAsync("acl", "policy", "create", "-http-addr", addr, "-token", management, "-name", "r", "-rules", "@" + rules)).ExitCode);
        var reader = await Cli.RunAsync("acl", "token", "create", "-http-addr", addr, "-token", management, "-policy-name", "r", "-format=json");
        var readerSecret = JsonDocument.Parse(reader.Out).RootElement.GetProperty("SecretID").GetString()!;
        var registered = await Cli.RunAsync("services", "register", "-http-addr", addr, "-token", management, "-name=web", "-port=80");
        Assert.True(registered.ExitCode == 0, registered.Error);

        // Anonymous reads see nothing under default deny.
        var before = await Cli.RunAsync("catalog", "services", "-http-addr", addr);
        Assert.Equal(0, before.ExitCode);
        Assert.Equal(string.Empty, before.Out.Trim());

        // Without acl:write: refused, nothing changes.
        var refused = await Cli.RunAsync("acl", "set-agent-token", "-http-addr", addr, "-token", readerSecret, "default", readerSecret);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Failed setting token: Unexpected response code: 403 (Permission denied", refused.Error, StringComparison.Ordinal);
        Assert.Null(server.Server.Runtime.AgentTokens.Default);

        var set = await Cli.RunAsync("acl", "set-agent-token", "-http-addr", addr, "-token", management, "default", readerSecret);
        Assert.True(set.ExitCode == 0, set.Error);
        Assert.Equal("ACL token \"default\" set successfully", set.Out.Trim());

        // Requests without a token now act as the reader; persistence is off, so nothing was written to disk.
        var after = await Cli.RunAsync("catalog", "services", "-http-addr", addr);
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("web", Cli.Lines(after.Out));
        Assert.False(File.Exists(Path.Combine(server.DataDir!, "acl-tokens.json")));

        var agent = await Cli.RunAsync("acl", "set-agent-token", "-http-addr", addr, "-token", management, "agent", readerSecret);
        Assert.True(agent.ExitCode == 0, agent.Error);
        Assert.Equal(readerSecret, server.Server.Runtime.AgentToken.SecretId);

        var badType = await Cli.RunAsync("acl", "set-agent-token", "-http-addr", addr, "-token", management, "bogus", readerSecret);
        Assert.Equal(1, badType.ExitCode);
        Assert.Contains("Unknown token type \"bogus\"", badType.Error, StringComparison.Ordinal);
        using var unknownType = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/agent/token/bogus")
        {
            Headers = { { "X-Consul-Token", management } },
            Content = new StringContent("""{"Token":"x"}"""),
        });
        Assert.Equal(HttpStatusCode.NotFound, unknownType.StatusCode);
        Assert.Equal("Token \"bogus\" is unknown", (await unknownType.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task SetAgentToken_WithPersistence_WritesAcl_tokens_json_0600_WhichTheNextStartReads()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        using var dataDir = new TempDirectory();
        var acl = new AclConfig
        {
            Enabled = true,
            DefaultPolicy = AclDefaultPolicy.Deny,
            EnableTokenPersistence = true,
            Tokens = new AclAgentTokens { AgentRecovery = "from-config", Default = "config-default" },
        };
        var secret = Guid.NewGuid().ToString();
        var file = Path.Combine(dataDir.Path, "acl-tokens.json");
        await using (var server = await TestServer.StartAsync(config => config with { Acl = acl }, dataDir.Path))
        {
            var addr = server.Http.BaseAddress!.ToString();
            var management = await AclTestTokens.ManagementAsync(server);
            var set = await Cli.RunAsync("acl", "set-agent-token", "-http-addr", addr, "-token", management, "recovery", secret);
            Assert.True(set.ExitCode == 0, set.Error);
            Assert.Equal(secret, server.Server.Runtime.AgentTokens.Get("agent_recovery"));
            Assert.Equal(secret, JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.GetProperty("agent_recovery").GetString());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        // The next start builds its store from the config and this file: the persisted token wins, as in Consul.
        var reloaded = new Mesh.Server.Access.AgentTokenStore(acl.Tokens, file);
        Assert.Equal(secret, reloaded.Get("agent_recovery"));
        Assert.Equal(secret, reloaded.Get("agent_master")); // legacy alias
        Assert.Equal("config-default", reloaded.Default);
    }

    [Fact]
    public async Task AclCommands_OnAServerWithoutAcls_Get401AclSupportDisabled()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();

        var set = await Cli.RunAsync("acl", "set-agent-token", "-http-addr", addr, "agent", Guid.NewGuid().ToString());
        Assert.Equal(1, set.ExitCode);
        Assert.Contains("Failed setting token: Unexpected response code: 401 (ACL support disabled)", set.Error, StringComparison.Ordinal);
        Assert.Null(server.Server.Runtime.AgentTokens.Get("agent"));

        var bootstrap = await Cli.RunAsync("acl", "bootstrap", "-http-addr", addr);
        Assert.Equal(1, bootstrap.ExitCode);
        Assert.Contains("Failed ACL bootstrapping: Unexpected response code: 401", bootstrap.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_ClearMessageAndExit1_NothingSent()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        var addr = $"127.0.0.1:{FreePort.Next()}"; // nothing listens: every case must fail before any request
        (string[] Args, string Message)[] cases =
        [
            (["acl", "token", "read", "-http-addr", addr], "Must specify the -id parameter"),
            (["acl", "token", "read", "-http-addr", addr, "-id", "x", "-self"], "Cannot use both -id and -self"),
            (["acl", "token", "create", "-http-addr", addr, "-service-identity", "web:dc1:x"], "Malformed -service-identity argument: \"web:dc1:x\""),
            (["acl", "token", "create", "-http-addr", addr, "-node-identity", "n1"], "Malformed -node-identity argument: \"n1\""),
            (["acl", "token", "create", "-http-addr", addr, "-expires-ttl", "soon"], "invalid value \"soon\" for flag -expires-ttl"),
            (["acl", "token", "create", "-http-addr", addr, "-format", "yaml"], "Invalid format \"yaml\""),
            (["acl", "token", "create", "-http-addr", addr, "-bogus"], "flag provided but not defined: -bogus"),
            (["acl", "token", "update", "-http-addr", addr], "Cannot update a token without specifying the -id parameter"),
            (["acl", "token", "delete", "-http-addr", addr], "Must specify the -id parameter"),
            (["acl", "policy", "create", "-http-addr", addr, "-rules", "x"], "Missing required '-name' flag"),
            (["acl", "policy", "create", "-http-addr", addr, "-name", "p", "-rules", "@/nonexistent/rules.hcl"], "Failed to read -rules file \"/nonexistent/rules.hcl\""),
            (["acl", "policy", "read", "-http-addr", addr], "Must specify either the -id or -name parameters"),
            (["acl", "role", "create", "-http-addr", addr, "-name", "r"], "Cannot create a role without specifying"),
            (["acl", "set-agent-token", "-http-addr", addr, "default"], "Missing TYPE and TOKEN arguments"),
            (["acl", "token", "list", "-http-addr", addr, "extra"], "Too many arguments"),
        ];
        foreach (var (args, message) in cases)
        {
            var result = await Cli.RunAsync(args);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', args)} exited {result.ExitCode}");
            Assert.Contains(message, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ServerRefusals_MalformedRulesAndUnknownPolicy_AreConsulLikeErrors()
    {
        using var env = new EnvironmentScope(NoTokenEnvironment);
        await using var server = await StartDenyAsync();
        var addr = server.Http.BaseAddress!.ToString();
        var management = await BootstrapAsync(addr);

        var badRules = await Cli.RunAsync("acl", "policy", "create", "-http-addr", addr, "-token", management, "-name", "bad", "-rules", "service \"web\" { policy = ");
        Assert.Equal(1, badRules.ExitCode);
        Assert.Contains("Failed to create new policy: Unexpected response code: 400", badRules.Error, StringComparison.Ordinal);
        Assert.Contains("Failed to parse ACL rules", badRules.Error, StringComparison.Ordinal);

        var unknownPolicy = await Cli.RunAsync("acl", "token", "create", "-http-addr", addr, "-token", management, "-policy-name", "missing");
        Assert.Equal(1, unknownPolicy.ExitCode);
        Assert.Contains("Failed to create new token: Unexpected response code: 400", unknownPolicy.Error, StringComparison.Ordinal);
        Assert.Contains("missing", unknownPolicy.Error, StringComparison.Ordinal);

        var noToken = await Cli.RunAsync("acl", "policy", "list", "-http-addr", addr);
        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("Failed to retrieve the policy list: Unexpected response code: 403 (Permission denied", noToken.Error, StringComparison.Ordinal);
    }

    private static async Task<Cli.Outcome> RunWithInputAsync(string input, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdin = new StringReader(input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await Mesh.Agent.Cli.CommandLine.RunAsync(args, new Mesh.Agent.Cli.CliConsole(output, error) { In = stdin }, timeout.Token);
        return new Cli.Outcome(code, output.ToString(), error.ToString());
    }
}
