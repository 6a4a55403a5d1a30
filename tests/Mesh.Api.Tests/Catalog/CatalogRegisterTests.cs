using System.Net;
using Mesh.Testing;

namespace Mesh.Api.Tests.Catalog;

public sealed class CatalogRegisterTests
{
    [Fact]
    public async Task Register_ThenQueryService_ReturnsInstanceWithIndexes()
    {
        await using var server = await TestServer.StartAsync();
        using var register = await server.PutJsonAsync("/v1/catalog/register", """
            {"Node":"n1","Address":"10.0.0.1","Service":{"Service":"web","Port":80,"Tags":["v1"]}}
            """);
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.Equal("true", await register.Content.ReadAsStringAsync());

        using var response = await server.Http.GetAsync("/v1/catalog/service/web");
        var index = long.Parse(response.Headers.GetValues("X-Consul-Index").Single());
        var rows = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal("n1", row.GetProperty("Node").GetString());
        Assert.Equal("web", row.GetProperty("ServiceID").GetString());
        Assert.Equal(80, row.GetProperty("ServicePort").GetInt32());
        Assert.Equal(index, row.GetProperty("ModifyIndex").GetInt64());
    }
}
