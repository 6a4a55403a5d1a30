using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary><c>?cas=</c> on config writes and deletes: a stale index answers <c>false</c> and changes nothing.</summary>
public sealed class ConfigEntryCasTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private static string Entry(string name, string protocol) => $$"""{"Kind":"service-defaults","Name":"{{name}}","Protocol":"{{protocol}}"}""";

    [Fact]
    public async Task Put_CasZero_CreatesOnlyWhenAbsent()
    {
        var name = Unique.Name("cas0");
        Assert.Equal("true", (await _server.PutOkAsync("/v1/config?cas=0", Entry(name, "http"))).Body);

        var before = _server.DataDigest();
        Assert.Equal("false", (await _server.PutOkAsync("/v1/config?cas=0", Entry(name, "grpc"))).Body);

        Assert.Equal(before, _server.DataDigest());
        Assert.Equal("http", (await _server.GetOkJsonAsync($"/v1/config/service-defaults/{name}")).GetProperty("Protocol").GetString());
    }

    [Fact]
    public async Task Put_CasWithCurrentIndex_Writes_StaleIndex_ReturnsFalseAndLeavesStateUnchanged()
    {
        var name = Unique.Name("cas");
        await _server.PutOkAsync("/v1/config", Entry(name, "http"));
        var index = (await _server.GetOkJsonAsync($"/v1/config/service-defaults/{name}")).GetProperty("ModifyIndex").GetInt64();

        Assert.Equal("true", (await _server.PutOkAsync($"/v1/config?cas={index}", Entry(name, "http2"))).Body);
        var before = _server.DataDigest();
        Assert.Equal("false", (await _server.PutOkAsync($"/v1/config?cas={index}", Entry(name, "grpc"))).Body);

        Assert.Equal(before, _server.DataDigest());
        var entry = await _server.GetOkJsonAsync($"/v1/config/service-defaults/{name}");
        Assert.Equal("http2", entry.GetProperty("Protocol").GetString());
        Assert.True(entry.GetProperty("ModifyIndex").GetInt64() > index);
    }

    [Fact]
    public async Task Delete_Cas_StaleIndexReturnsFalse_CurrentIndexDeletes()
    {
        var name = Unique.Name("delcas");
        await _server.PutOkAsync("/v1/config", Entry(name, "http"));
        var index = (await _server.GetOkJsonAsync($"/v1/config/service-defaults/{name}")).GetProperty("ModifyIndex").GetInt64();

        var before = _server.DataDigest();
        var stale = (await _server.SendAsync(HttpMethod.Delete, $"/v1/config/service-defaults/{name}?cas={index - 1}")).ExpectOk();
        Assert.Equal("false", stale.Body);
        Assert.Equal(before, _server.DataDigest());

        var current = (await _server.SendAsync(HttpMethod.Delete, $"/v1/config/service-defaults/{name}?cas={index}")).ExpectOk();
        Assert.Equal("true", current.Body);
        (await _server.GetAsync($"/v1/config/service-defaults/{name}")).Expect(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/v1/config?cas=abc")]
    [InlineData("/v1/config?cas=-1")]
    public async Task Put_BadCasValue_Returns400(string path)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, path, Entry(Unique.Name("x"), "tcp"), HttpStatusCode.BadRequest, "cas");
}
