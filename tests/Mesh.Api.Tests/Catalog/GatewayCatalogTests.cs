using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Catalog;

/// <summary>
/// Gateway services in the catalog: the gateway kinds register, <c>/v1/catalog/gateway-services/:gateway</c> is derived
/// from the ingress and terminating config entries (wildcards included), <c>/v1/health/ingress/:service</c> finds the
/// ingress gateways exposing a service, and a mesh gateway keeps its lan/wan tagged addresses.
/// </summary>
public sealed class GatewayCatalogTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private Task<ApiResult> RegisterAsync(string node, string address, string service, string kind, int port, string? extra = null)
        => _server.PutOkAsync("/v1/catalog/register",
            $$$"""{"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"Kind":"{{{kind}}}","Service":"{{{service}}}","Port":{{{port}}}{{{extra}}} } }""");

    [Theory]
    [InlineData("ingress-gateway")]
    [InlineData("terminating-gateway")]
    [InlineData("mesh-gateway")]
    [InlineData("api-gateway")]
    public async Task GatewayKinds_Register_AndReadBackWithTheirKind(string kind)
    {
        var name = Unique.Name(kind);
        await RegisterAsync(Unique.Name("n"), "10.1.0.1", name, kind, 8443);
        var rows = await _server.GetOkJsonAsync($"/v1/catalog/service/{name}");
        Assert.Equal(kind, rows[0].GetProperty("ServiceKind").GetString());
    }

    [Fact]
    public async Task MeshGateway_TaggedAddresses_LanAndWan_RoundTrip()
    {
        var name = Unique.Name("mgw");
        await RegisterAsync(Unique.Name("n"), "10.1.0.2", name, "mesh-gateway", 8443,
            ""","Address":"1.2.3.4","TaggedAddresses":{"lan":{"Address":"1.2.3.4","Port":8443},"wan":{"Address":"198.18.0.1","Port":443}}""");
        var tagged = (await _server.GetOkJsonAsync($"/v1/catalog/service/{name}"))[0].GetProperty("ServiceTaggedAddresses");
        Assert.Equal("1.2.3.4", tagged.GetProperty("lan").GetProperty("Address").GetString());
        Assert.Equal(8443, tagged.GetProperty("lan").GetProperty("Port").GetInt32());
        Assert.Equal("198.18.0.1", tagged.GetProperty("wan").GetProperty("Address").GetString());
        Assert.Equal(443, tagged.GetProperty("wan").GetProperty("Port").GetInt32());
    }

    [Fact]
    public async Task GatewayServices_Ingress_ExplicitAndWildcardRows()
    {
        var gateway = Unique.Name("ing");
        var db = Unique.Name("db");
        var web = Unique.Name("web");
        await RegisterAsync(Unique.Name("n"), "10.1.0.3", db, "", 8080);
        await RegisterAsync(Unique.Name("n"), "10.1.0.4", web, "", 8080);
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{web}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$"""
            {"Kind":"ingress-gateway","Name":"{{{gateway}}}","Listeners":[
              {"Port":8080,"Protocol":"tcp","Services":[{"Name":"{{{db}}}"}]},
              {"Port":9090,"Protocol":"http","Services":[{"Name":"{{{web}}}","Hosts":["web.example.com"]},{"Name":"*"}]}]}
            """);

        var rows = (await _server.GetOkJsonAsync($"/v1/catalog/gateway-services/{gateway}")).EnumerateArray().ToList();
        var dbRow = Assert.Single(rows, row => Name(row, "Service") == db && row.GetProperty("Port").GetInt32() == 8080);
        Assert.Equal(["Gateway", "Service", "GatewayKind", "Port", "Protocol", "CreateIndex", "ModifyIndex"], dbRow.Names());
        Assert.Equal(gateway, Name(dbRow, "Gateway"));
        Assert.Equal("ingress-gateway", dbRow.GetProperty("GatewayKind").GetString());
        Assert.Equal("tcp", dbRow.GetProperty("Protocol").GetString());

        var webRow = Assert.Single(rows, row => Name(row, "Service") == web);
        Assert.Equal(9090, webRow.GetProperty("Port").GetInt32());
        Assert.Equal("web.example.com", webRow.GetProperty("Hosts")[0].GetString());
        Assert.False(webRow.TryGetProperty("FromWildcard", out _));

        // The wildcard links every other typical service on 9090 (db too), never the wildcard itself or consul.
        var fromWildcard = Assert.Single(rows, row => Name(row, "Service") == db && row.GetProperty("Port").GetInt32() == 9090);
        Assert.True(fromWildcard.GetProperty("FromWildcard").GetBoolean());
        Assert.DoesNotContain(rows, row => Name(row, "Service") is "*" or "consul");

        // A service registered later is linked by the wildcard without touching the entry.
        var later = Unique.Name("later");
        await RegisterAsync(Unique.Name("n"), "10.1.0.5", later, "", 8080);
        var after = (await _server.GetOkJsonAsync($"/v1/catalog/gateway-services/{gateway}")).EnumerateArray();
        Assert.Contains(after, row => Name(row, "Service") == later && row.GetProperty("FromWildcard").GetBoolean());
    }

    [Fact]
    public async Task GatewayServices_Terminating_ServiceNotRegisteredYetIsLinked()
    {
        var gateway = Unique.Name("term");
        var external = Unique.Name("legacy");
        await _server.PutOkAsync("/v1/config", $$"""
            {"Kind":"terminating-gateway","Name":"{{gateway}}","Services":[{"Name":"{{external}}","CAFile":"ca.pem","CertFile":"c.pem","KeyFile":"k.pem","SNI":"legacy.example.com"}]}
            """);

        var row = Assert.Single((await _server.GetOkJsonAsync($"/v1/catalog/gateway-services/{gateway}")).EnumerateArray());
        Assert.Equal(["Gateway", "Service", "GatewayKind", "CAFile", "CertFile", "KeyFile", "SNI", "ServiceKind", "CreateIndex", "ModifyIndex"], row.Names());
        Assert.Equal(external, Name(row, "Service"));
        Assert.Equal("terminating-gateway", row.GetProperty("GatewayKind").GetString());
        Assert.Equal("legacy.example.com", row.GetProperty("SNI").GetString());
        Assert.Equal("service", row.GetProperty("ServiceKind").GetString());
    }

    [Fact]
    public async Task GatewayServices_UnknownGateway_EmptyList()
        => Assert.Equal(0, (await _server.GetOkJsonAsync($"/v1/catalog/gateway-services/{Unique.Name("none")}")).GetArrayLength());

    [Fact]
    public async Task HealthIngress_ReturnsTheIngressGatewayInstancesExposingTheService()
    {
        var gateway = Unique.Name("edge");
        var db = Unique.Name("db");
        var node = Unique.Name("gwnode");
        await RegisterAsync(node, "10.1.0.9", gateway, "ingress-gateway", 21000);
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"ingress-gateway","Name":"{{gateway}}","Listeners":[{"Port":8080,"Services":[{"Name":"{{db}}"}]}]}""");

        var rows = await _server.GetOkJsonAsync($"/v1/health/ingress/{db}");
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal(node, row.GetProperty("Node").GetProperty("Node").GetString());
        Assert.Equal(gateway, row.GetProperty("Service").GetProperty("Service").GetString());
        Assert.Equal("ingress-gateway", row.GetProperty("Service").GetProperty("Kind").GetString());
        Assert.Equal(0, (await _server.GetOkJsonAsync($"/v1/health/ingress/{Unique.Name("other")}")).GetArrayLength());
    }

    private static string? Name(JsonElement row, string property) => row.GetProperty(property).GetProperty("Name").GetString();
}
