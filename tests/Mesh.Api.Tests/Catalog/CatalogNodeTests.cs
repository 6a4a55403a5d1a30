using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Catalog;

public sealed class CatalogNodeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Nodes_AfterRegister_ListsNodeWithAddressMetaAndServerNode()
    {
        var node = Unique.Name("node");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.4","TaggedAddresses":{"lan":"127.0.0.4"},"NodeMeta":{"role":"db"}}
            """);

        var nodes = (await _server.GetOkJsonAsync("/v1/catalog/nodes")).EnumerateArray()
            .ToDictionary(n => n.GetProperty("Node").GetString()!);

        var row = nodes[node];
        Assert.Equal("127.0.0.4", row.GetProperty("Address").GetString());
        Assert.Equal("dc1", row.GetProperty("Datacenter").GetString());
        Assert.Equal("db", row.GetProperty("Meta").GetProperty("role").GetString());
        Assert.Equal("127.0.0.4", row.GetProperty("TaggedAddresses").GetProperty("lan").GetString());
        Assert.Contains(_server.NodeName, nodes.Keys);
    }

    [Fact]
    public async Task Nodes_NodeMetaFilter_ReturnsOnlyMatchingNodes()
    {
        var group = Unique.Name("group");
        var matching = Unique.Name("node");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""{"Node":"{{{matching}}}","Address":"127.0.0.5","NodeMeta":{"group":"{{{group}}}"}}""");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""{"Node":"{{{Unique.Name("node")}}}","Address":"127.0.0.6","NodeMeta":{"group":"other"}}""");

        var nodes = await _server.GetOkJsonAsync($"/v1/catalog/nodes?node-meta=group:{group}");

        Assert.Equal([matching], nodes.EnumerateArray().Select(n => n.GetProperty("Node").GetString()));
    }

    [Fact]
    public async Task Node_Known_ReturnsNodeAndServicesById()
    {
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, "web", id: "web-a", port: 81);
        await _server.RegisterCatalogServiceAsync(node, "web", id: "web-b", port: 82);

        var result = await _server.GetOkJsonAsync($"/v1/catalog/node/{node}");

        Assert.Equal(node, result.GetProperty("Node").GetProperty("Node").GetString());
        var services = result.GetProperty("Services");
        Assert.Equal(["web-a", "web-b"], services.Names().Order(StringComparer.Ordinal));
        Assert.Equal(82, services.GetProperty("web-b").GetProperty("Port").GetInt32());
        Assert.Equal("web", services.GetProperty("web-a").GetProperty("Service").GetString());
    }

    [Fact]
    public async Task Node_Unknown_Returns200WithNull()
    {
        var result = (await _server.GetAsync($"/v1/catalog/node/{Unique.Name("ghost")}")).ExpectOk();

        Assert.Equal("null", result.Body);
        Assert.True(result.Index >= 1);
    }

    [Fact]
    public async Task Datacenters_SingleServer_ReturnsLocalDatacenter()
    {
        var datacenters = await _server.GetOkJsonAsync("/v1/catalog/datacenters");

        Assert.Equal(["dc1"], datacenters.Strings());
    }
}
