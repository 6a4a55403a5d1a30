using Mesh.Api.Tests.Support;

namespace Mesh.Api.Tests.Catalog;

public sealed class CatalogDeregisterTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Mesh.Testing.TestServer _server = fixture.Server;

    [Fact]
    public async Task Deregister_ServiceId_RemovesOnlyThatService()
    {
        var node = Unique.Name("node");
        var web = Unique.Name("web");
        var db = Unique.Name("db");
        await _server.RegisterCatalogServiceAsync(node, web);
        await _server.RegisterCatalogServiceAsync(node, db);

        var result = await _server.PutOkAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}","ServiceID":"{{{web}}}"}""");

        Assert.Equal("true", result.Body);
        Assert.Empty((await _server.GetOkJsonAsync($"/v1/catalog/service/{web}")).EnumerateArray());
        Assert.Single((await _server.GetOkJsonAsync($"/v1/catalog/service/{db}")).EnumerateArray());
        var services = (await _server.GetOkJsonAsync($"/v1/catalog/node/{node}")).GetProperty("Services");
        Assert.Equal([db], services.Names());
    }

    [Fact]
    public async Task Deregister_CheckId_RemovesOnlyThatCheck()
    {
        var node = Unique.Name("node");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.3",
             "Checks":[{"CheckID":"keep","Name":"keep","Status":"passing"},{"CheckID":"drop","Name":"drop","Status":"critical"}]}
            """);

        await _server.PutOkAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}","CheckID":"drop"}""");

        var checks = await _server.GetOkJsonAsync($"/v1/health/node/{node}");
        Assert.Equal(["keep"], checks.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));
    }

    [Fact]
    public async Task Deregister_NodeAlone_RemovesNodeWithItsServicesAndChecks()
    {
        var node = Unique.Name("node");
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(node, web,
            extraNodeJson: ""","Check":{"CheckID":"node-check","Name":"node-check","Status":"passing"}""");

        await _server.PutOkAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}"}""");

        Assert.Equal("null", (await _server.GetAsync($"/v1/catalog/node/{node}")).ExpectOk().Body);
        Assert.DoesNotContain(node, (await _server.GetOkJsonAsync("/v1/catalog/nodes")).EnumerateArray().Select(n => n.GetProperty("Node").GetString()));
        Assert.Empty((await _server.GetOkJsonAsync($"/v1/catalog/service/{web}")).EnumerateArray());
        Assert.Empty((await _server.GetOkJsonAsync($"/v1/health/node/{node}")).EnumerateArray());
        Assert.DoesNotContain(web, (await _server.GetOkJsonAsync("/v1/catalog/services")).Names());
    }

    [Fact]
    public async Task Deregister_ServiceId_AlsoRemovesThatServicesChecks()
    {
        var node = Unique.Name("node");
        var web = Unique.Name("web");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.3","Service":{"ID":"web-1","Service":"{{{web}}}"},
             "Checks":[{"CheckID":"web-alive","Name":"web","Status":"passing","ServiceID":"web-1"},{"CheckID":"node-alive","Name":"node","Status":"passing"}]}
            """);

        await _server.PutOkAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}","ServiceID":"web-1"}""");

        var checks = await _server.GetOkJsonAsync($"/v1/health/node/{node}");
        Assert.Equal(["node-alive"], checks.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()));
        Assert.Empty((await _server.GetOkJsonAsync($"/v1/health/checks/{web}")).EnumerateArray());
    }
}
