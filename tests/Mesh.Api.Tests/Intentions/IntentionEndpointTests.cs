using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Config.Intentions;
using Mesh.Testing;

namespace Mesh.Api.Tests.Intentions;

/// <summary>The legacy intention endpoints, which read and write service-intentions config entries.</summary>
public sealed class IntentionEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private static string Exact(string source, string destination) => $"/v1/connect/intentions/exact?source={source}&destination={destination}";

    private Task<ApiResult> PutExactAsync(string source, string destination, string body = """{"SourceType":"consul","Action":"allow"}""")
        => _server.PutOkAsync(Exact(source, destination), body);

    [Fact]
    public async Task PutExact_CreatesIntention_InConsulShape_StoredAsServiceIntentionsEntry()
    {
        var destination = Unique.Name("db");
        var put = await PutExactAsync("web", destination, """{"SourceType":"consul","Action":"deny","Description":"no web"}""");
        Assert.Equal("true", put.Body);

        var intention = await _server.GetOkJsonAsync(Exact("web", destination));
        Assert.Equal(
            ["ID", "Description", "SourceNS", "SourceName", "DestinationNS", "DestinationName", "SourceType", "Action", "Precedence", "CreateIndex", "ModifyIndex"],
            intention.Names());
        Assert.Equal(IntentionId.For("web", null, destination), intention.GetProperty("ID").GetString());
        Assert.Equal("default", intention.GetProperty("SourceNS").GetString());
        Assert.Equal("deny", intention.GetProperty("Action").GetString());
        Assert.Equal(9, intention.GetProperty("Precedence").GetInt32());
        Assert.Equal("no web", intention.GetProperty("Description").GetString());

        var entry = await _server.GetOkJsonAsync($"/v1/config/service-intentions/{destination}");
        var source = Assert.Single(entry.GetProperty("Sources").EnumerateArray());
        Assert.Equal("web", source.GetProperty("Name").GetString());
        Assert.Equal("deny", source.GetProperty("Action").GetString());
    }

    [Fact]
    public async Task PutExact_SameSourceAgain_ReplacesIt()
    {
        var destination = Unique.Name("db");
        await PutExactAsync("web", destination, """{"Action":"allow"}""");
        await PutExactAsync("web", destination, """{"Action":"deny"}""");

        var entry = await _server.GetOkJsonAsync($"/v1/config/service-intentions/{destination}");
        Assert.Equal("deny", Assert.Single(entry.GetProperty("Sources").EnumerateArray()).GetProperty("Action").GetString());
    }

    [Fact]
    public async Task PutExact_IntoEntryWrittenAsConfig_KeepsOtherSourcesAndMeta()
    {
        var destination = Unique.Name("db");
        await _server.PutOkAsync("/v1/config", $$$"""{"Kind":"service-intentions","Name":"{{{destination}}}","Sources":[{"Name":"api","Action":"allow"}],"Meta":{"team":"x"}}""");

        await PutExactAsync("web", destination, """{"Action":"deny","Meta":{"team":"x"}}""");

        var entry = await _server.GetOkJsonAsync($"/v1/config/service-intentions/{destination}");
        Assert.Equal(["api", "web"], entry.GetProperty("Sources").EnumerateArray().Select(s => s.GetProperty("Name").GetString()!).Order());
        Assert.Equal("x", entry.GetProperty("Meta").GetProperty("team").GetString());
        var intention = await _server.GetOkJsonAsync(Exact("web", destination));
        Assert.Equal("x", intention.GetProperty("Meta").GetProperty("team").GetString());
    }

    [Fact]
    public async Task PutExact_WithPermissions_StoredAsL7()
    {
        var destination = Unique.Name("db");
        await PutExactAsync("web", destination, """{"Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/api","Methods":["GET"]}}]}""");

        var intention = await _server.GetOkJsonAsync(Exact("web", destination));
        Assert.False(intention.TryGetProperty("Action", out _));
        var permission = Assert.Single(intention.GetProperty("Permissions").EnumerateArray());
        Assert.Equal("/api", permission.GetProperty("HTTP").GetProperty("PathPrefix").GetString());
    }

    [Fact]
    public async Task PutExact_SnakeCaseBody_IsAccepted()
    {
        var destination = Unique.Name("db");
        await PutExactAsync("web", destination, """{"source_type":"consul","permissions":[{"action":"deny","http":{"path_exact":"/admin","header":[{"name":"x-user","present":true}]}}]}""");

        var permission = Assert.Single((await _server.GetOkJsonAsync(Exact("web", destination))).GetProperty("Permissions").EnumerateArray());
        Assert.Equal("deny", permission.GetProperty("Action").GetString());
        Assert.Equal("/admin", permission.GetProperty("HTTP").GetProperty("PathExact").GetString());
        Assert.True(Assert.Single(permission.GetProperty("HTTP").GetProperty("Header").EnumerateArray()).GetProperty("Present").GetBoolean());
    }

    [Fact]
    public async Task DeleteExact_RemovesSource_AndTheEntryWithItsLastSource()
    {
        var destination = Unique.Name("db");
        await PutExactAsync("web", destination);
        await PutExactAsync("api", destination);

        Assert.Equal("true", (await _server.SendAsync(HttpMethod.Delete, Exact("web", destination))).ExpectOk().Body);
        (await _server.GetAsync(Exact("web", destination))).Expect(HttpStatusCode.NotFound);
        await _server.GetOkJsonAsync(Exact("api", destination));

        (await _server.SendAsync(HttpMethod.Delete, Exact("api", destination))).ExpectOk();
        (await _server.GetAsync($"/v1/config/service-intentions/{destination}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteExact_Missing_IsIdempotentAndChangesNothing()
    {
        var before = _server.Digest();
        Assert.Equal("true", (await _server.SendAsync(HttpMethod.Delete, Exact("web", Unique.Name("none")))).ExpectOk().Body);
        Assert.Equal(before, _server.Digest());
    }

    [Fact]
    public async Task GetExact_Missing_Returns404()
        => Assert.Equal("Intention not found", (await _server.GetAsync(Exact("web", Unique.Name("none")))).Expect(HttpStatusCode.NotFound).Body);

    [Fact]
    public async Task PutExact_ConcurrentWritersToOneDestination_AllSourcesLand()
    {
        var destination = Unique.Name("busy");
        var sources = Enumerable.Range(0, 12).Select(i => $"src-{i}").ToList();

        await Task.WhenAll(sources.Select(source => PutExactAsync(source, destination)));

        var entry = await _server.GetOkJsonAsync($"/v1/config/service-intentions/{destination}");
        Assert.Equal(sources.Order(StringComparer.Ordinal), entry.GetProperty("Sources").EnumerateArray().Select(s => s.GetProperty("Name").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task List_ContainsIntentionsInPrecedenceOrder()
    {
        var destination = Unique.Name("db");
        await PutExactAsync("*", destination, """{"Action":"deny"}""");
        await PutExactAsync("web", destination);

        var listed = (await _server.GetOkJsonAsync("/v1/connect/intentions")).EnumerateArray()
            .Where(i => i.GetProperty("DestinationName").GetString() == destination).ToList();
        Assert.Equal(["web", "*"], listed.Select(i => i.GetProperty("SourceName").GetString()));
        Assert.Equal([9, 8], listed.Select(i => i.GetProperty("Precedence").GetInt32()));
        var all = (await _server.GetOkJsonAsync("/v1/connect/intentions")).EnumerateArray().Select(i => i.GetProperty("Precedence").GetInt32()).ToList();
        Assert.Equal(all.OrderDescending(), all);
    }

    [Fact]
    public async Task Match_ByDestinationAndBySource_ReturnsMatchesInEvaluationOrder()
    {
        var destination = Unique.Name("db");
        var source = Unique.Name("web");
        var other = Unique.Name("cache");
        await PutExactAsync("*", destination, """{"Action":"deny"}""");
        await PutExactAsync(source, destination);
        await PutExactAsync(source, other, """{"Action":"deny"}""");

        var byDestination = await _server.GetOkJsonAsync($"/v1/connect/intentions/match?by=destination&name={destination}");
        Assert.Equal([source, "*"], byDestination.GetProperty(destination).EnumerateArray().Select(i => i.GetProperty("SourceName").GetString()));

        var bySource = await _server.GetOkJsonAsync($"/v1/connect/intentions/match?by=source&name={source}&name={other}");
        var mine = bySource.GetProperty(source).EnumerateArray().Where(i => i.GetProperty("SourceName").GetString() == source).Select(i => i.GetProperty("DestinationName").GetString()).ToList();
        Assert.Equal(new[] { destination, other }.Order(StringComparer.Ordinal), mine.Order(StringComparer.Ordinal));
        Assert.Contains(bySource.GetProperty(source).EnumerateArray(), i => i.GetProperty("SourceName").GetString() == "*" && i.GetProperty("DestinationName").GetString() == destination);
        Assert.Equal(0, bySource.GetProperty(other).EnumerateArray().Count(i => i.GetProperty("SourceName").GetString() == other));
    }

    [Fact]
    public async Task Check_AnswersAllowedFromTheMatchingIntention()
    {
        var destination = Unique.Name("db");
        await PutExactAsync("web", destination);
        await PutExactAsync("*", destination, """{"Action":"deny"}""");

        Assert.True((await _server.GetOkJsonAsync($"/v1/connect/intentions/check?source=web&destination={destination}")).GetProperty("Allowed").GetBoolean());
        Assert.False((await _server.GetOkJsonAsync($"/v1/connect/intentions/check?source=other&destination={destination}")).GetProperty("Allowed").GetBoolean());
    }

    [Theory]
    [InlineData("PUT", "/v1/connect/intentions/exact?destination=db", """{"Action":"allow"}""", "required query parameter 'source' not set")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=web", """{"Action":"allow"}""", "required query parameter 'destination' not set")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"permit"}""", "Sources[0].Action must be set to 'allow' or 'deny'")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=web&destination=db", """{"SourceType":"aws","Action":"allow"}""", "Type must be set to 'consul'")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"allow","Meta":{"a":"b"}}""", "Meta must not be specified")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=we*b&destination=db", """{"Action":"allow"}""", "wildcard character")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=peer:p/web&destination=db", """{"Action":"allow"}""", "cannot specify a peer here")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=team/web&destination=db", """{"Action":"allow"}""", "namespaces are a Consul Enterprise feature")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=web&destination=*", """{"Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}""", "wildcarded destinations")]
    [InlineData("PUT", "/v1/connect/intentions/exact?source=web&destination=db", "[1]", "decode")]
    [InlineData("GET", "/v1/connect/intentions/match?name=db", null, "required query parameter 'by' not set")]
    [InlineData("GET", "/v1/connect/intentions/match?by=sideways&name=db", null, "'by' parameter must be one of 'source' or 'destination'")]
    [InlineData("GET", "/v1/connect/intentions/match?by=source", null, "required query parameter 'name' not set")]
    [InlineData("GET", "/v1/connect/intentions/check?source=web", null, "required query parameter 'destination' not set")]
    [InlineData("GET", "/v1/connect/intentions/check?source=web&destination=db&source-type=external", null, "unsupported SourceType")]
    public async Task BadRequests_Return400AndChangeNothing(string method, string path, string? body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, new HttpMethod(method), path, body, HttpStatusCode.BadRequest, messagePart);

    [Fact]
    public async Task List_BlocksUntilAnIntentionChanges()
    {
        var first = (await _server.GetAsync("/v1/connect/intentions")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/connect/intentions?index={first.Index}&wait=60s");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{Unique.Name("unrelated")}}"}""");
        Assert.NotSame(blocked, await Task.WhenAny(blocked, Task.Delay(500)));

        var destination = Unique.Name("db");
        await PutExactAsync("web", destination);

        var woken = (await blocked.WaitAsync(TimeSpan.FromSeconds(10))).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Contains(woken.Json.EnumerateArray(), i => i.GetProperty("DestinationName").GetString() == destination);
        Assert.Equal(JsonValueKind.Array, woken.Json.ValueKind);
    }
}
