using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Interop;

/// <summary>Drives the server with python-consul (Debian's <c>python3-consul</c>), a third-party Consul client.</summary>
public sealed class PythonConsulClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>
    /// Registers a service with a TTL check, heartbeats it, reads it back through catalog and health, and runs a blocking
    /// catalog query; prints one JSON document. python-consul before 1.0 sends the TTL heartbeat as a GET, which Consul
    /// (since 1.0) and Mesh answer with 405; the script then sends the same call as a PUT through the client's own HTTP
    /// layer and reports both results.
    /// </summary>
    private const string Script = """
        import json, time
        import consul
        from consul.base import CB

        c = consul.Consul(host='127.0.0.1', port=PORT)
        out = {'version': consul.__version__}
        out['register'] = c.agent.service.register('pyweb', service_id='pyweb1', port=9000, tags=['py'], check=consul.Check.ttl('10s'))
        out['ttl_pass'] = c.agent.check.ttl_pass('service:pyweb1', notes='from python')
        if not out['ttl_pass']:
            out['ttl_pass_put'] = c.http.put(CB.bool(), '/v1/agent/check/pass/service:pyweb1', params={'note': 'from python'})
        out['agent_checks'] = c.agent.checks()
        index, nodes = c.catalog.service('pyweb')
        out['catalog_index'] = index
        out['catalog'] = nodes
        index, rows = c.health.service('pyweb', passing=True)
        out['health_passing'] = rows
        index, services = c.catalog.services()
        started = time.monotonic()
        index2, services2 = c.catalog.services(index=index, wait='1s')
        out['blocking_elapsed'] = time.monotonic() - started
        out['services_index'] = index
        out['services_index_after'] = index2
        out['services'] = services2
        print(json.dumps(out))
        """;

    [Fact]
    public async Task PythonConsul_RegisterHeartbeatQueryAndBlock_WorksAgainstMesh()
    {
        var python = await PythonConsul.FindInterpreterAsync();
        Assert.True(python is not null,
            "python3 with the 'consul' module (Debian package python3-consul) is required for this interop test; "
            + "install it with `apt-get install -y python3-consul` (tools/run-tests.sh does this when run as root).");

        var script = Script.Replace("PORT", _server.Server.HttpAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var (exitCode, stdout, stderr) = await PythonConsul.RunAsync(python!, script, TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"python-consul script failed ({exitCode}): {stderr}\n{stdout}");
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.True(result.GetProperty("register").GetBoolean());
        var heartbeatAccepted = result.GetProperty("ttl_pass").GetBoolean()
            || result.GetProperty("ttl_pass_put").GetBoolean();
        Assert.True(heartbeatAccepted, $"TTL pass refused: {stdout}");
        if (!result.GetProperty("ttl_pass").GetBoolean())
        {
            // Only a pre-1.0 client (GET heartbeats) may be refused.
            Assert.StartsWith("0.", result.GetProperty("version").GetString(), StringComparison.Ordinal);
        }

        var check = result.GetProperty("agent_checks").GetProperty("service:pyweb1");
        Assert.Equal("passing", check.GetProperty("Status").GetString());
        Assert.Equal("from python", check.GetProperty("Output").GetString());

        var instance = Assert.Single(result.GetProperty("catalog").EnumerateArray());
        Assert.Equal("pyweb1", instance.GetProperty("ServiceID").GetString());
        Assert.Equal(9000, instance.GetProperty("ServicePort").GetInt32());
        Assert.Equal(_server.NodeName, instance.GetProperty("Node").GetString());
        Assert.True(long.Parse(result.GetProperty("catalog_index").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 1);

        var healthy = Assert.Single(result.GetProperty("health_passing").EnumerateArray());
        Assert.Equal("pyweb1", healthy.GetProperty("Service").GetProperty("ID").GetString());
        Assert.All(healthy.GetProperty("Checks").EnumerateArray(), c => Assert.Equal("passing", c.GetProperty("Status").GetString()));

        Assert.Equal(["py"], result.GetProperty("services").GetProperty("pyweb").Strings());
        Assert.Equal(result.GetProperty("services_index").GetString(), result.GetProperty("services_index_after").GetString());
        Assert.InRange(result.GetProperty("blocking_elapsed").GetDouble(), 0.9, 5.0);
    }
}
