using System.Net;
using Mesh.Api.Tests.Acl;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Intentions;

/// <summary>The legacy intention-by-ID API over service-intentions entries.</summary>
public sealed class IntentionByIdTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Create_Get_Update_Delete_ByTheStoredId()
    {
        var destination = Unique.Name("db");
        var created = await _server.SendAsync(HttpMethod.Post, "/v1/connect/intentions", $$$"""{"SourceName":"web","DestinationName":"{{{destination}}}","SourceType":"consul","Action":"allow","Meta":{"team":"a"},"Description":"hi"}""");
        var id = created.ExpectOk().Json.GetProperty("ID").GetString()!;
        Assert.True(Guid.TryParse(id, out _));

        // Stored on the source of the destination's entry, as Consul's LegacyID.
        var entry = await _server.GetOkJsonAsync($"/v1/config/service-intentions/{destination}");
        Assert.Equal(id, entry.GetProperty("Sources")[0].GetProperty("LegacyID").GetString());

        var read = await _server.GetOkJsonAsync($"/v1/connect/intentions/{id}");
        Assert.Equal(id, read.GetProperty("ID").GetString());
        Assert.Equal("allow", read.GetProperty("Action").GetString());
        Assert.Equal("a", read.GetProperty("Meta").GetProperty("team").GetString());
        Assert.Equal("hi", read.GetProperty("Description").GetString());

        var updated = await _server.SendAsync(HttpMethod.Put, $"/v1/connect/intentions/{id}", $$$"""{"SourceName":"web","DestinationName":"{{{destination}}}","Action":"deny"}""");
        Assert.Equal(id, updated.ExpectOk().Json.GetProperty("ID").GetString());
        Assert.Equal("deny", (await _server.GetOkJsonAsync($"/v1/connect/intentions/{id}")).GetProperty("Action").GetString());
        Assert.Contains(id, (await _server.GetOkJsonAsync("/v1/connect/intentions")).EnumerateArray().Select(i => i.GetProperty("ID").GetString()));

        Assert.Equal("true", (await _server.SendAsync(HttpMethod.Delete, $"/v1/connect/intentions/{id}")).ExpectOk().Body.Trim());
        (await _server.GetAsync($"/v1/connect/intentions/{id}")).Expect(HttpStatusCode.NotFound);
        (await _server.SendAsync(HttpMethod.Delete, $"/v1/connect/intentions/{id}")).Expect(HttpStatusCode.NotFound);
        (await _server.GetAsync($"/v1/config/service-intentions/{destination}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_Duplicate_AndBadBodies_Are4xxAndChangeNothing()
    {
        var destination = Unique.Name("db");
        (await _server.SendAsync(HttpMethod.Post, "/v1/connect/intentions", $$$"""{"SourceName":"web","DestinationName":"{{{destination}}}","Action":"allow"}""")).ExpectOk();
        var before = _server.Digest();
        var duplicate = (await _server.SendAsync(HttpMethod.Post, "/v1/connect/intentions", $$$"""{"SourceName":"web","DestinationName":"{{{destination}}}","Action":"deny"}""")).Expect(HttpStatusCode.Conflict);
        Assert.Contains("duplicate intention found", duplicate.Body, StringComparison.Ordinal);
        (await _server.SendAsync(HttpMethod.Post, "/v1/connect/intentions", """{"DestinationName":"x","Action":"allow"}""")).Expect(HttpStatusCode.BadRequest);
        (await _server.SendAsync(HttpMethod.Post, "/v1/connect/intentions", """{"SourceName":"a","DestinationName":"x","Action":"maybe"}""")).Expect(HttpStatusCode.BadRequest);
        (await _server.SendAsync(HttpMethod.Post, "/v1/connect/intentions", "not json")).Expect(HttpStatusCode.BadRequest);
        (await _server.SendAsync(HttpMethod.Put, "/v1/connect/intentions/no-such-id", """{"SourceName":"a","DestinationName":"x","Action":"allow"}""")).Expect(HttpStatusCode.NotFound);
        Assert.Equal(before, _server.Digest());
    }

    [Fact]
    public async Task WithAcls_DefaultDeny_NeedsIntentionsWriteOnTheDestination()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var _ = server;
        var body = """{"SourceName":"web","DestinationName":"db","Action":"allow"}""";
        (await server.AsAsync(null, HttpMethod.Post, "/v1/connect/intentions", body)).Expect(HttpStatusCode.Forbidden);
        var readOnly = await AclTestTokens.CreateAsync(server, "service \"db\" { policy = \"read\" intentions = \"read\" }");
        (await server.AsAsync(readOnly, HttpMethod.Post, "/v1/connect/intentions", body)).Expect(HttpStatusCode.Forbidden);
        var id = (await server.AsAsync(management, HttpMethod.Post, "/v1/connect/intentions", body)).ExpectOk().Json.GetProperty("ID").GetString();
        (await server.AsAsync(null, HttpMethod.Get, $"/v1/connect/intentions/{id}")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(readOnly, HttpMethod.Get, $"/v1/connect/intentions/{id}")).ExpectOk();
        (await server.AsAsync(readOnly, HttpMethod.Delete, $"/v1/connect/intentions/{id}")).Expect(HttpStatusCode.Forbidden);
        var writer = await AclTestTokens.CreateAsync(server, "service \"db\" { policy = \"read\" intentions = \"write\" }");
        (await server.AsAsync(writer, HttpMethod.Delete, $"/v1/connect/intentions/{id}")).ExpectOk();
    }
}
