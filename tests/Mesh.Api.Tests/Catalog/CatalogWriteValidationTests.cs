using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Catalog;

/// <summary>Bad bodies for /v1/catalog/register and /deregister: a 400 naming the problem, and no change to the store.</summary>
public sealed class CatalogWriteValidationTests(SeededServerFixture fixture) : IClassFixture<SeededServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("{bad", "decode")]
    [InlineData("{\"Node\":\"n1\",\"Address\":\"127.0.0.1\"", "decode")]
    [InlineData("[]", "JSON object")]
    [InlineData("null", "JSON object")]
    [InlineData("", "empty")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Port":"abc"}}""", "Port")]
    [InlineData("""{"Node":5,"Address":"127.0.0.1"}""", "Node")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Tags":"a"}}""", "Tags")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","SkipNodeUpdate":"yes"}""", "SkipNodeUpdate")]
    [InlineData("""{"Address":"127.0.0.1"}""", "Node")]
    [InlineData("""{"Node":"","Address":"127.0.0.1"}""", "Node")]
    [InlineData("""{"Node":"n1"}""", "Address")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Port":80}}""", "service name")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Check":{"CheckID":"c","Status":"bogus"}}""", "bogus")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Checks":[{"CheckID":"c","Status":"passing"},{"CheckID":"c","Status":"passing"}]}""", "Duplicate")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Check":{"CheckID":"c","Definition":{"TTL":"soon"}}}""", "soon")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Kind":"weird-kind"}}""", "weird-kind")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Port":70000}}""", "70000")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Port":-1}}""", "-1")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Port":99999999999}}""", "Port")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"p","Kind":"connect-proxy","Port":1}}""", "DestinationServiceName")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Service":{"Service":"s","Meta":{"consul-x":"v"}}}""", "consul-")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","NodeMeta":{"bad key":"v"}}""", "bad key")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","ID":"not-a-uuid"}""", "UUID")]
    [InlineData("""{"Node":"n1","Address":"127.0.0.1","Datacenter":"other"}""", "datacenter")]
    public async Task Register_BadBody_Returns400AndLeavesStateUnchanged(string body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/catalog/register", body, HttpStatusCode.BadRequest, messagePart);

    [Theory]
    [InlineData("{bad", "decode")]
    [InlineData("", "empty")]
    [InlineData("""{"Node":["seed-node"]}""", "Node")]
    [InlineData("""{"Node":"seed-node","ServiceID":7}""", "ServiceID")]
    [InlineData("{}", "Node")]
    [InlineData("""{"ServiceID":"seed-db"}""", "Node")]
    [InlineData("""{"Node":"seed-node","ServiceID":"seed-db","CheckID":"x"}""", "either")]
    [InlineData("""{"Node":"seed-node","Datacenter":"other"}""", "datacenter")]
    public async Task Deregister_BadBody_Returns400AndLeavesStateUnchanged(string body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/catalog/deregister", body, HttpStatusCode.BadRequest, messagePart);

    [Fact]
    public async Task Register_NodeIdOwnedByAnotherNode_Returns400AndLeavesRowsUnchanged()
    {
        var id = Guid.NewGuid().ToString();
        var owner = Unique.Name("owner");
        await _server.PutOkAsync("/v1/catalog/register", $$$"""{"Node":"{{{owner}}}","ID":"{{{id}}}","Address":"127.0.0.50"}""");
        var before = _server.DataDigest();

        var result = await _server.PutAsync("/v1/catalog/register", $$$"""{"Node":"{{{Unique.Name("thief")}}}","ID":"{{{id}}}","Address":"127.0.0.51"}""");

        // Refused by the state machine after the entry was logged: the rows are unchanged, only the applied index moved.
        result.Expect(HttpStatusCode.BadRequest);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains(owner, result.Body, StringComparison.Ordinal);
        Assert.Equal(before, _server.DataDigest());
    }

    [Fact]
    public async Task Register_CheckForServiceNotOnNode_Returns400AndLeavesRowsUnchanged()
    {
        var node = Unique.Name("node");
        var before = _server.DataDigest();

        var result = await _server.PutAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.52","Check":{"CheckID":"orphan","Name":"orphan","ServiceID":"missing-service"}}
            """);

        result.Expect(HttpStatusCode.BadRequest);
        Assert.Contains("missing-service", result.Body, StringComparison.Ordinal);
        Assert.Equal(before, _server.DataDigest());
        Assert.Equal("null", (await _server.GetAsync($"/v1/catalog/node/{node}")).ExpectOk().Body);
    }
}
