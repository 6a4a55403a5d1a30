using System.Net.Http.Headers;
using Mesh.Api.Http;
using Mesh.Api.Tests.Support;
using Mesh.Server.Access;
using Mesh.Testing;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Tests.Http;

public sealed class RequestTokenTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private static RequestToken TokenOf(string? query, string? consulHeader, string? authorization)
    {
        var context = new DefaultHttpContext();
        if (query is not null)
        {
            context.Request.QueryString = new QueryString($"?token={Uri.EscapeDataString(query)}");
        }

        if (consulHeader is not null)
        {
            context.Request.Headers["X-Consul-Token"] = consulHeader;
        }

        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return HttpRequestToken.From(context.Request);
    }

    [Theory]
    [InlineData("q", "h", "Bearer b", "q")]
    [InlineData(null, "h", "Bearer b", "h")]
    [InlineData(null, null, "Bearer b", "b")]
    [InlineData(null, null, "bearer  b2 ", "b2")]
    [InlineData("", "h", null, "h")]
    [InlineData(null, "", "Bearer b", "b")]
    public void From_SeveralSources_QueryThenConsulHeaderThenBearer(string? query, string? header, string? authorization, string expected)
    {
        var token = TokenOf(query, header, authorization);

        Assert.Equal(expected, token.SecretId);
        Assert.False(token.IsAnonymous);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    public void From_NoUsableToken_IsAnonymous(string? authorization)
    {
        var token = TokenOf(null, null, authorization);

        Assert.True(token.IsAnonymous);
        Assert.Equal(string.Empty, token.SecretId);
    }

    public static TheoryData<string> Sources => ["query", "header", "bearer"];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Request_WithTokenFromAnySource_ReadsAndWritesSucceed(string source)
    {
        var secret = Guid.NewGuid().ToString();
        var query = source == "query" ? $"?token={secret}" : string.Empty;
        void AddToken(HttpRequestMessage request)
        {
            if (source == "header")
            {
                request.Headers.Add("X-Consul-Token", secret);
            }
            else if (source == "bearer")
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            }
        }

        var name = Unique.Name("svc");
        var write = await _server.SendAsync(HttpMethod.Put, $"/v1/agent/service/register{query}", $$$"""{"Name":"{{{name}}}","Port":1}""", AddToken);
        var read = await _server.SendAsync(HttpMethod.Get, $"/v1/catalog/service/{name}{query}", configure: AddToken);

        write.ExpectOk();
        Assert.Equal(1, read.ExpectOk().Json.GetArrayLength());
    }
}
