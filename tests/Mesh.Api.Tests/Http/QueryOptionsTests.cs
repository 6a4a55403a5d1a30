using System.Net;
using Mesh.Api.Http;
using Mesh.Api.Tests.Support;
using Mesh.Testing;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Tests.Http;

public sealed class QueryOptionsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("/v1/catalog/services")]
    [InlineData("/v1/catalog/service/nothing-here")]
    [InlineData("/v1/catalog/nodes")]
    [InlineData("/v1/catalog/node/nothing-here")]
    [InlineData("/v1/health/service/nothing-here")]
    [InlineData("/v1/health/checks/nothing-here")]
    [InlineData("/v1/health/state/any")]
    [InlineData("/v1/health/node/nothing-here")]
    public async Task Read_Any_WritesConsulMetaHeaders(string path)
    {
        var result = (await _server.GetAsync(path)).ExpectOk();

        Assert.True(result.Index >= 1, $"X-Consul-Index was {result.Index}");
        Assert.Equal("true", result.Header("X-Consul-KnownLeader"));
        Assert.Equal("0", result.Header("X-Consul-LastContact"));
        Assert.Equal("leader", result.Header("X-Consul-Effective-Consistency"));
        Assert.Equal("application/json", result.ContentType);
    }

    [Theory]
    [InlineData("", "leader")]
    [InlineData("?stale", "stale")]
    [InlineData("?stale=true", "stale")]
    [InlineData("?max_stale=5s", "stale")]
    [InlineData("?consistent", "consistent")]
    public async Task Read_ConsistencyMode_ReportedInEffectiveConsistency(string query, string expected)
    {
        var result = (await _server.GetAsync($"/v1/catalog/services{query}")).ExpectOk();

        Assert.Equal(expected, result.Header("X-Consul-Effective-Consistency"));
    }

    [Theory]
    [InlineData("stale&consistent", "conflicting")]
    [InlineData("index=-1", "-1")]
    [InlineData("index=abc", "abc")]
    [InlineData("index=1.5", "1.5")]
    [InlineData("wait=5", "\"5\"")]
    [InlineData("wait=abc", "abc")]
    [InlineData("wait=-1s", "-1s")]
    [InlineData("dc=other", "other")]
    [InlineData("filter=Service%20%3D%20web", "boolean expression")]
    public async Task Read_InvalidQueryOption_Returns400WithMessage(string query, string messagePart)
    {
        var result = await _server.GetAsync($"/v1/catalog/service/web?{query}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains(messagePart, result.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20m", 10 * 60)]
    [InlineData("10m", 10 * 60)]
    [InlineData("90s", 90)]
    [InlineData("1m30s", 90)]
    [InlineData("0s", 5 * 60)]
    [InlineData("", 5 * 60)]
    public void Parse_Wait_CappedAtTenMinutesAndDefaultsToFive(string wait, int expectedSeconds)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString($"?index=5&wait={wait}");

        var options = QueryOptions.Parse(context.Request);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), options.Wait);
        Assert.Equal(5, options.MinIndex);
    }

    [Fact]
    public void Parse_DatacenterAndDc_DatacenterWins()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?dc=a&datacenter=b");

        Assert.Equal("b", QueryOptions.Parse(context.Request).Datacenter);
    }
}
