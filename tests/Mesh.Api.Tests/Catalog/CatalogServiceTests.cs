using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Catalog;

public sealed class CatalogServiceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Service_RepeatedTag_ReturnsOnlyInstancesWithEveryTag()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, id: "both", tags: ["a", "b"]);
        await _server.RegisterCatalogServiceAsync(node, web, id: "only-a", tags: ["a"]);
        await _server.RegisterCatalogServiceAsync(node, web, id: "only-b", tags: ["b"]);

        var both = await _server.GetOkJsonAsync($"/v1/catalog/service/{web}?tag=a&tag=b");
        var onlyA = await _server.GetOkJsonAsync($"/v1/catalog/service/{web}?tag=a");
        var all = await _server.GetOkJsonAsync($"/v1/catalog/service/{web}");

        Assert.Equal(["both"], both.EnumerateArray().Select(r => r.GetProperty("ServiceID").GetString()));
        Assert.Equal(["both", "only-a"], onlyA.EnumerateArray().Select(r => r.GetProperty("ServiceID").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(3, all.GetArrayLength());
    }

    [Fact]
    public async Task Service_Registered_RowCarriesNodeAndServiceFields()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, id: "web-1", port: 9090, tags: ["v2"], address: "127.0.0.9",
            extraServiceJson: ""","Address":"127.0.0.10","Meta":{"version":"2"}""", extraNodeJson: ""","NodeMeta":{"zone":"z1"}""");

        var row = Assert.Single((await _server.GetOkJsonAsync($"/v1/catalog/service/{web}")).EnumerateArray());

        Assert.Equal(node, row.GetProperty("Node").GetString());
        Assert.Equal("127.0.0.9", row.GetProperty("Address").GetString());
        Assert.Equal("dc1", row.GetProperty("Datacenter").GetString());
        Assert.Equal("z1", row.GetProperty("NodeMeta").GetProperty("zone").GetString());
        Assert.Equal("web-1", row.GetProperty("ServiceID").GetString());
        Assert.Equal(web, row.GetProperty("ServiceName").GetString());
        Assert.Equal("127.0.0.10", row.GetProperty("ServiceAddress").GetString());
        Assert.Equal(9090, row.GetProperty("ServicePort").GetInt32());
        Assert.Equal(["v2"], row.GetProperty("ServiceTags").Strings());
        Assert.Equal("2", row.GetProperty("ServiceMeta").GetProperty("version").GetString());
        Assert.True(row.GetProperty("CreateIndex").GetInt64() >= 1);
    }

    [Fact]
    public async Task Service_Unknown_ReturnsEmptyArray()
    {
        var result = (await _server.GetAsync($"/v1/catalog/service/{Unique.Name("nothing")}")).ExpectOk();

        Assert.Equal("[]", result.Body);
        Assert.True(result.Index >= 1);
    }

    [Fact]
    public async Task Service_NodeMetaFilter_OnlyInstancesOnMatchingNodes()
    {
        var web = Unique.Name("web");
        var matching = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(matching, web, extraNodeJson: ""","NodeMeta":{"env":"prod","tier":"1"}""");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web, extraNodeJson: ""","NodeMeta":{"env":"prod","tier":"2"}""");

        var rows = await _server.GetOkJsonAsync($"/v1/catalog/service/{web}?node-meta=env:prod&node-meta=tier:1");

        Assert.Equal([matching], rows.EnumerateArray().Select(r => r.GetProperty("Node").GetString()));
    }

    [Fact]
    public async Task Connect_ServiceWithProxyAndNativeInstance_ReturnsProxiesAndNativeOnly()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, id: "plain");
        await _server.RegisterCatalogServiceAsync(node, web, id: "native", extraServiceJson: ""","Connect":{"Native":true}""");
        await _server.RegisterCatalogServiceAsync(node, $"{web}-sidecar-proxy", id: "plain-sidecar-proxy", port: 21000,
            extraServiceJson: $$$""","Kind":"connect-proxy","Proxy":{"DestinationServiceName":"{{{web}}}","DestinationServiceID":"plain","LocalServicePort":8080}""");
        await _server.RegisterCatalogServiceAsync(node, "other-proxy", id: Unique.Name("other-proxy"), port: 21001,
            extraServiceJson: ""","Kind":"connect-proxy","Proxy":{"DestinationServiceName":"someone-else"}""");

        var rows = (await _server.GetOkJsonAsync($"/v1/catalog/connect/{web}")).EnumerateArray()
            .ToDictionary(r => r.GetProperty("ServiceID").GetString()!);

        Assert.Equal(["native", "plain-sidecar-proxy"], rows.Keys.Order(StringComparer.Ordinal));
        var proxy = rows["plain-sidecar-proxy"];
        Assert.Equal("connect-proxy", proxy.GetProperty("ServiceKind").GetString());
        Assert.Equal(web, proxy.GetProperty("ServiceProxy").GetProperty("DestinationServiceName").GetString());
        Assert.Equal(21000, proxy.GetProperty("ServicePort").GetInt32());
        Assert.True(rows["native"].GetProperty("ServiceConnect").GetProperty("Native").GetBoolean());
    }
}
