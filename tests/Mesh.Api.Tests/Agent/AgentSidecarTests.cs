using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

public sealed class AgentSidecarTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Register_EmptySidecarService_DefaultsFollowConsul()
    {
        // A fresh server, so the automatic sidecar ports start at the bottom of the range.
        await using var server = await TestServer.StartAsync();

        await server.PutOkAsync("/v1/agent/service/register", """
            {"Name":"web","ID":"web-1","Port":8080,"Tags":["v1"],"Meta":{"team":"edge"},"Connect":{"SidecarService":{}}}
            """);

        var sidecar = await server.GetOkJsonAsync("/v1/agent/service/web-1-sidecar-proxy");
        Assert.Equal("web-1-sidecar-proxy", sidecar.GetProperty("ID").GetString());
        Assert.Equal("connect-proxy", sidecar.GetProperty("Kind").GetString());
        Assert.Equal("web-sidecar-proxy", sidecar.GetProperty("Service").GetString());
        Assert.Equal(21000, sidecar.GetProperty("Port").GetInt32());
        Assert.Equal(["v1"], sidecar.GetProperty("Tags").Strings());
        Assert.Equal("edge", sidecar.GetProperty("Meta").GetProperty("team").GetString());
        var proxy = sidecar.GetProperty("Proxy");
        Assert.Equal("web", proxy.GetProperty("DestinationServiceName").GetString());
        Assert.Equal("web-1", proxy.GetProperty("DestinationServiceID").GetString());
        Assert.Equal("127.0.0.1", proxy.GetProperty("LocalServiceAddress").GetString());
        Assert.Equal(8080, proxy.GetProperty("LocalServicePort").GetInt32());

        var checks = (await server.GetOkJsonAsync("/v1/agent/checks")).EnumerateObject()
            .Where(c => c.Value.GetProperty("ServiceID").GetString() == "web-1-sidecar-proxy")
            .ToDictionary(c => c.Value.GetProperty("Name").GetString()!, c => c.Value);
        Assert.Equal(["Connect Sidecar Aliasing web-1", "Connect Sidecar Listening"], checks.Keys.Order(StringComparer.Ordinal));
        var listening = checks["Connect Sidecar Listening"];
        Assert.Equal("tcp", listening.GetProperty("Type").GetString());
        Assert.Equal("10s", listening.GetProperty("Interval").GetString());
        Assert.EndsWith(":21000", listening.GetProperty("Definition").GetProperty("TCP").GetString(), StringComparison.Ordinal);
        var aliasing = checks["Connect Sidecar Aliasing web-1"];
        Assert.Equal("alias", aliasing.GetProperty("Type").GetString());
        Assert.Equal("web-1", aliasing.GetProperty("Definition").GetProperty("AliasService").GetString());

        await server.PutOkAsync("/v1/agent/service/register", """{"Name":"api","Port":9090,"Connect":{"SidecarService":{}}}""");

        var second = await server.GetOkJsonAsync("/v1/agent/service/api-sidecar-proxy");
        Assert.Equal(21001, second.GetProperty("Port").GetInt32());
        Assert.Equal(9090, second.GetProperty("Proxy").GetProperty("LocalServicePort").GetInt32());
        var connect = (await server.GetOkJsonAsync("/v1/catalog/connect/web")).EnumerateArray().Select(r => r.GetProperty("ServiceID").GetString());
        Assert.Equal(["web-1-sidecar-proxy"], connect);
    }

    [Fact]
    public async Task Register_ReRegisterWithSidecar_KeepsItsAutomaticPort()
    {
        var name = Unique.Name("web");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":80,"Connect":{"SidecarService":{} }}""");
        var first = (await _server.GetOkJsonAsync($"/v1/agent/service/{name}-sidecar-proxy")).GetProperty("Port").GetInt32();

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":81,"Connect":{"SidecarService":{} }}""");

        var sidecar = await _server.GetOkJsonAsync($"/v1/agent/service/{name}-sidecar-proxy");
        Assert.InRange(first, 21000, 21255);
        Assert.Equal(first, sidecar.GetProperty("Port").GetInt32());
        Assert.Equal(81, sidecar.GetProperty("Proxy").GetProperty("LocalServicePort").GetInt32());
    }

    [Fact]
    public async Task Register_SnakeCaseFields_AcceptedAndMetaKeysKeptAsWritten()
    {
        var name = Unique.Name("api");

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"name":"{{{name}}}","port":9000,"meta":{"owner_team":"core","build_id":"7"},
             "enable_tag_override":true,
             "tagged_addresses":{"lan_ipv4":{"address":"127.0.0.1","port":9000}},
             "connect":{"sidecar_service":{"port":22500,
               "proxy":{"local_service_port":9001,
                 "upstreams":[{"destination_name":"db","local_bind_port":5433,"destination_type":"service"}]} } } }
            """);

        var parent = await _server.GetOkJsonAsync($"/v1/agent/service/{name}");
        Assert.Equal(["build_id", "owner_team"], parent.GetProperty("Meta").Names().Order(StringComparer.Ordinal));
        Assert.True(parent.GetProperty("EnableTagOverride").GetBoolean());
        Assert.Equal(["lan_ipv4"], parent.GetProperty("TaggedAddresses").Names());
        Assert.Equal(9000, parent.GetProperty("TaggedAddresses").GetProperty("lan_ipv4").GetProperty("Port").GetInt32());

        var sidecar = await _server.GetOkJsonAsync($"/v1/agent/service/{name}-sidecar-proxy");
        Assert.Equal(22500, sidecar.GetProperty("Port").GetInt32());
        Assert.Equal(["build_id", "owner_team"], sidecar.GetProperty("Meta").Names().Order(StringComparer.Ordinal));
        var proxy = sidecar.GetProperty("Proxy");
        Assert.Equal(name, proxy.GetProperty("DestinationServiceName").GetString());
        Assert.Equal(9001, proxy.GetProperty("LocalServicePort").GetInt32());
        var upstream = Assert.Single(proxy.GetProperty("Upstreams").EnumerateArray());
        Assert.Equal("db", upstream.GetProperty("DestinationName").GetString());
        Assert.Equal(5433, upstream.GetProperty("LocalBindPort").GetInt32());
    }

    [Fact]
    public async Task Register_SnakeCaseInsideProxyConfig_KeptAsWrittenAtEveryDepth()
    {
        var id = Unique.Name("cfgproxy");

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"kind":"connect-proxy","name":"{{{id}}}","port":21998,
             "proxy":{"destination_service_name":"backend",
               "config":{"envoy_prometheus_bind_addr":"0.0.0.0:9102","limits":{"max_connections":10,"nested_list":[{"inner_key":1}]} } } }
            """);

        var config = (await _server.GetOkJsonAsync($"/v1/agent/service/{id}")).GetProperty("Proxy").GetProperty("Config");
        Assert.Equal("0.0.0.0:9102", config.GetProperty("envoy_prometheus_bind_addr").GetString());
        var limits = config.GetProperty("limits");
        Assert.Equal(10, limits.GetProperty("max_connections").GetInt32());
        Assert.Equal(1, limits.GetProperty("nested_list")[0].GetProperty("inner_key").GetInt32());
    }

    [Fact]
    public async Task Register_SnakeCaseProxyService_DestinationFieldsBound()
    {
        var id = Unique.Name("proxy");

        await _server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"kind":"connect-proxy","name":"{{{id}}}","port":21999,
             "proxy":{"destination_service_name":"backend","destination_service_id":"backend-1","local_service_address":"127.0.0.1","local_service_port":8181},
             "meta":{"some_key":"v"}}
            """);

        var proxy = await _server.GetOkJsonAsync($"/v1/agent/service/{id}");
        Assert.Equal("connect-proxy", proxy.GetProperty("Kind").GetString());
        Assert.Equal("backend", proxy.GetProperty("Proxy").GetProperty("DestinationServiceName").GetString());
        Assert.Equal("backend-1", proxy.GetProperty("Proxy").GetProperty("DestinationServiceID").GetString());
        Assert.Equal(8181, proxy.GetProperty("Proxy").GetProperty("LocalServicePort").GetInt32());
        Assert.Equal(["some_key"], proxy.GetProperty("Meta").Names());
        Assert.Contains(id, (await _server.GetOkJsonAsync("/v1/catalog/connect/backend")).EnumerateArray().Select(r => r.GetProperty("ServiceID").GetString()));
    }
}
