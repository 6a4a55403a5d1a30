using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Catalog;

public sealed class CatalogServicesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Services_NoServicesRegistered_ListsOnlyTheServersOwnConsulService()
    {
        // A fresh server: as in Consul, the only service is the server itself, "consul", with no tags.
        await using var server = await TestServer.StartAsync();

        var result = (await server.GetAsync("/v1/catalog/services")).ExpectOk();

        Assert.Equal("application/json", result.ContentType);
        Assert.Equal("""{"consul":[]}""", result.Body);
    }

    [Fact]
    public async Task Services_InstancesWithOverlappingTags_TagsMergedWithoutDuplicates()
    {
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web, tags: ["a", "b", "b"]);
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web, tags: ["b", "c"]);
        var empty = Unique.Name("bare");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), empty);

        var services = await _server.GetOkJsonAsync("/v1/catalog/services");

        var tags = services.GetProperty(web).Strings().ToList();
        Assert.Equal(["a", "b", "c"], tags.Order(StringComparer.Ordinal));
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, services.GetProperty(empty).GetArrayLength());
    }

    [Fact]
    public async Task Services_NodeMetaFilter_OnlyServicesOnMatchingNodes()
    {
        var rack = Unique.Name("rack");
        var inRack = Unique.Name("in");
        var outside = Unique.Name("out");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), inRack, extraNodeJson: $$$""","NodeMeta":{"rack":"{{{rack}}}"}""");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), outside, extraNodeJson: ""","NodeMeta":{"rack":"elsewhere"}""");

        var services = await _server.GetOkJsonAsync($"/v1/catalog/services?node-meta=rack:{rack}");

        Assert.Equal([inRack], services.Names());
    }
}
