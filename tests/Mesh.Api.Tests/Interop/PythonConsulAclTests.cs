using System.Globalization;
using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Api.Tests.Interop;

/// <summary>
/// python-consul (Debian's <c>python3-consul</c>) against a server with <c>default_policy = deny</c>: with a token it
/// registers a service (agent and catalog) and reads it back; without one its writes raise the client's
/// <c>ACLPermissionDenied</c> (Consul's 403) and its reads come back empty (filtered, as Consul answers); an unknown
/// token raises <c>ACLPermissionDenied</c> with <c>ACL not found</c>. The client sends the token as <c>?token=</c>.
/// </summary>
public sealed class PythonConsulAclTests
{
    private const string Script = """
        import json
        import consul
        from consul.base import CB

        def attempt(call):
            try:
                return {'ok': call()}
            except consul.ACLPermissionDenied as e:
                return {'denied': str(e)}

        good = consul.Consul(host='127.0.0.1', port=PORT, token='TOKEN')
        anon = consul.Consul(host='127.0.0.1', port=PORT)
        bad = consul.Consul(host='127.0.0.1', port=PORT, token='00000000-1111-2222-3333-444444444444')
        out = {'version': consul.__version__}
        out['anon_register'] = attempt(lambda: anon.agent.service.register('pyweb', service_id='pyweb-anon', port=9001))
        out['bad_register'] = attempt(lambda: bad.agent.service.register('pyweb', service_id='pyweb-bad', port=9002))
        out['register'] = attempt(lambda: good.agent.service.register('pyweb', service_id='pyweb1', port=9000, tags=['py']))
        out['catalog_register'] = attempt(lambda: good.catalog.register('pynode', '10.1.1.1', service={'Service': 'pyweb', 'ID': 'pyweb2', 'Port': 9100}))
        out['anon_catalog_register'] = attempt(lambda: anon.catalog.register('pynode', '10.1.1.1', service={'Service': 'pyweb', 'ID': 'pyweb3', 'Port': 9200}))
        out['catalog'] = good.catalog.service('pyweb')[1]
        out['anon_catalog'] = anon.catalog.service('pyweb')[1]
        out['services'] = good.catalog.services()[1]
        out['anon_services'] = anon.catalog.services()[1]
        out['health'] = good.health.service('pyweb')[1]
        out['anon_health'] = anon.health.service('pyweb')[1]
        # python-consul 0.7.1's agent.services() takes no token: pass it through the client's own HTTP layer.
        out['agent_services'] = good.http.get(CB.json(), '/v1/agent/services', params={'token': 'TOKEN'})
        out['anon_agent_services'] = anon.agent.services()
        out['bad_read'] = attempt(lambda: bad.catalog.services()[1])
        print(json.dumps(out))
        """;

    [Fact]
    public async Task PythonConsul_WithToken_RegistersAndReads_WithoutToken_RefusedAndFiltered()
    {
        var python = await PythonConsul.FindInterpreterAsync();
        Assert.True(python is not null,
            "python3 with the 'consul' module (Debian package python3-consul) is required for this interop test; "
            + "install it with `apt-get install -y python3-consul` (tools/run-tests.sh does this when run as root).");

        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var token = await AclTestTokens.CreateAsync(server, """
            service "pyweb" { policy = "write" }
            node "pynode" { policy = "write" }
            node_prefix "" { policy = "read" }
            """);
        var script = Script
            .Replace("PORT", server.Server.HttpAddress.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TOKEN", token, StringComparison.Ordinal);
        var (exitCode, stdout, stderr) = await PythonConsul.RunAsync(python!, script, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"python-consul script failed ({exitCode}): {stderr}\n{stdout}");
        var result = JsonDocument.Parse(stdout).RootElement;

        // Writes: the token's succeed; anonymous ones get Consul's 403 text, an unknown secret "ACL not found".
        Assert.True(result.GetProperty("register").GetProperty("ok").GetBoolean());
        Assert.True(result.GetProperty("catalog_register").GetProperty("ok").GetBoolean());
        Assert.Contains("Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'service:write' on \"pyweb\"",
            result.GetProperty("anon_register").GetProperty("denied").GetString(), StringComparison.Ordinal);
        Assert.Contains("Permission denied", result.GetProperty("anon_catalog_register").GetProperty("denied").GetString(), StringComparison.Ordinal);
        Assert.Contains("ACL not found", result.GetProperty("bad_register").GetProperty("denied").GetString(), StringComparison.Ordinal);
        Assert.Contains("ACL not found", result.GetProperty("bad_read").GetProperty("denied").GetString(), StringComparison.Ordinal);
        Assert.Null(server.Server.Fsm.Current.FindService(server.NodeName, "pyweb-anon"));
        Assert.Null(server.Server.Fsm.Current.FindService("pynode", "pyweb3"));

        // Reads: the token sees both instances; anonymous reads are filtered to nothing, not refused.
        Assert.Equal(["pyweb1", "pyweb2"], result.GetProperty("catalog").EnumerateArray().Select(s => s.GetProperty("ServiceID").GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(2, result.GetProperty("health").GetArrayLength());
        Assert.True(result.GetProperty("services").TryGetProperty("pyweb", out _));
        Assert.True(result.GetProperty("agent_services").TryGetProperty("pyweb1", out _));
        Assert.Equal(0, result.GetProperty("anon_catalog").GetArrayLength());
        Assert.Equal(0, result.GetProperty("anon_health").GetArrayLength());
        Assert.Empty(result.GetProperty("anon_services").EnumerateObject());
        Assert.Empty(result.GetProperty("anon_agent_services").EnumerateObject());
    }
}
