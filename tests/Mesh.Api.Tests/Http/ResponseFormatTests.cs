using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Http;

public sealed class ResponseFormatTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("/v1/agent/self")]
    [InlineData("/v1/catalog/nodes")]
    [InlineData("/v1/agent/checks")]
    public async Task Pretty_IndentsSameDocument(string path)
    {
        var compact = (await _server.GetAsync(path)).ExpectOk();
        var pretty = (await _server.GetAsync($"{path}?pretty")).ExpectOk();

        Assert.DoesNotContain('\n', compact.Body);
        Assert.Contains("\n  ", pretty.Body, StringComparison.Ordinal);
        Assert.EndsWith("\n", pretty.Body, StringComparison.Ordinal);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(compact.Json),
            System.Text.Json.JsonSerializer.Serialize(pretty.Json));
    }

    [Theory]
    [InlineData("/v1/nothing")]
    [InlineData("/v1/catalog/everything")]
    [InlineData("/")]
    [InlineData("/v2/catalog/services")]
    public async Task UnknownPath_Returns404PlainText(string path)
    {
        var result = await _server.GetAsync(path);

        result.Expect(HttpStatusCode.NotFound);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains(path, result.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/catalog/services")]
    [InlineData("/v1/catalog/nodes")]
    [InlineData("/v1/health/service/web")]
    [InlineData("/v1/health/state/any")]
    [InlineData("/v1/agent/services")]
    [InlineData("/v1/agent/checks")]
    public async Task Filter_BadSyntax_Returns400PlainText(string path)
    {
        var result = await _server.GetAsync($"{path}?filter={Uri.EscapeDataString("Service = \"web\"")}");

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains("boolean expression", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_Success_CatalogAnswersTrueAgentAnswersEmpty()
    {
        var catalog = await _server.PutOkAsync("/v1/catalog/register", $$$"""{"Node":"{{{Unique.Name("node")}}}","Address":"127.0.0.1"}""");
        var agent = await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{Unique.Name("svc")}}}"}""");

        Assert.Equal("true", catalog.Body);
        Assert.Equal("application/json", catalog.ContentType);
        Assert.Equal(string.Empty, agent.Body);
    }
}
