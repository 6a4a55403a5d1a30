using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>
/// Default deny: gateway config entries are written with mesh:write (operator:write implies it); ingress, terminating
/// and API gateways are read with service:read on their name; routes and certificates with mesh:read.
/// </summary>
public sealed class GatewayConfigEntryAclTests
{
    private const string Ingress = """{"Kind":"ingress-gateway","Name":"edge","Listeners":[{"Port":8080,"Services":[{"Name":"db"}]}]}""";
    private const string Route = """{"Kind":"tcp-route","Name":"r1","Parents":[{"Name":"edge-api"}],"Services":[{"Name":"db"}]}""";

    [Fact]
    public async Task GatewayEntries_WriteNeedsMeshWrite_ReadNeedsServiceReadOrMeshRead()
    {
        var (server, _) = await AclApiServer.StartAsync();
        await using var _s = server;
        var serviceWrite = await AclTestTokens.CreateAsync(server, "service_prefix \"\" { policy = \"write\" }");
        var meshRead = await AclTestTokens.CreateAsync(server, "mesh = \"read\"");
        var meshWrite = await AclTestTokens.CreateAsync(server, "mesh = \"write\"");
        var operatorWrite = await AclTestTokens.CreateAsync(server, "operator = \"write\"");
        var edgeRead = await AclTestTokens.CreateAsync(server, "service \"edge\" { policy = \"read\" }");

        foreach (var token in new[] { null, serviceWrite, meshRead })
        {
            var before = server.DataDigest();
            (await server.AsAsync(token, HttpMethod.Put, "/v1/config", Ingress)).Expect(HttpStatusCode.Forbidden);
            (await server.AsAsync(token, HttpMethod.Put, "/v1/config", Route)).Expect(HttpStatusCode.Forbidden);
            Assert.Equal(before, server.DataDigest());
        }

        (await server.AsAsync(meshWrite, HttpMethod.Put, "/v1/config", Ingress)).ExpectOk();
        (await server.AsAsync(operatorWrite, HttpMethod.Put, "/v1/config", Route)).ExpectOk();

        // Reads: the ingress gateway by service:read on its name, the route by mesh:read.
        (await server.AsAsync(null, HttpMethod.Get, "/v1/config/ingress-gateway/edge")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(meshRead, HttpMethod.Get, "/v1/config/ingress-gateway/edge")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(edgeRead, HttpMethod.Get, "/v1/config/ingress-gateway/edge")).ExpectOk();
        (await server.AsAsync(edgeRead, HttpMethod.Get, "/v1/config/tcp-route/r1")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(meshRead, HttpMethod.Get, "/v1/config/tcp-route/r1")).ExpectOk();

        // Lists leave out what the token may not read.
        Assert.Equal(0, (await server.AsAsync(meshRead, HttpMethod.Get, "/v1/config/ingress-gateway")).ExpectOk().Json.GetArrayLength());
        Assert.Equal(1, (await server.AsAsync(edgeRead, HttpMethod.Get, "/v1/config/ingress-gateway")).ExpectOk().Json.GetArrayLength());

        // Deletes need mesh:write as well.
        (await server.AsAsync(serviceWrite, HttpMethod.Delete, "/v1/config/ingress-gateway/edge")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(meshWrite, HttpMethod.Delete, "/v1/config/ingress-gateway/edge")).ExpectOk();
    }
}

/// <summary>Default deny: gateway-services needs service:read on the gateway, health/ingress service:read on the service.</summary>
public sealed class GatewayCatalogAclTests
{
    [Fact]
    public async Task GatewayServices_And_HealthIngress_403WithoutServiceRead_RowsFilteredByServiceRead()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var _s = server;
        (await server.AsAsync(management, HttpMethod.Put, "/v1/config",
            """{"Kind":"terminating-gateway","Name":"term","Services":[{"Name":"api"},{"Name":"billing"}]}""")).ExpectOk();
        var other = await AclTestTokens.CreateAsync(server, "service \"api\" { policy = \"read\" }");
        var gatewayRead = await AclTestTokens.CreateAsync(server, "service \"term\" { policy = \"read\" }\nservice \"api\" { policy = \"read\" }");

        (await server.AsAsync(null, HttpMethod.Get, "/v1/catalog/gateway-services/term")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(other, HttpMethod.Get, "/v1/catalog/gateway-services/term")).Expect(HttpStatusCode.Forbidden);
        var rows = (await server.AsAsync(gatewayRead, HttpMethod.Get, "/v1/catalog/gateway-services/term")).ExpectOk().Json;
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal("api", row.GetProperty("Service").GetProperty("Name").GetString());

        (await server.AsAsync(null, HttpMethod.Get, "/v1/health/ingress/billing")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(other, HttpMethod.Get, "/v1/health/ingress/api")).ExpectOk();
    }
}
