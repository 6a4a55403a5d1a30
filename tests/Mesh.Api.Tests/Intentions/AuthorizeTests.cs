using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Config.Intentions;
using Mesh.Testing;

namespace Mesh.Api.Tests.Intentions;

/// <summary><c>POST /v1/agent/connect/authorize</c> and <c>/v1/connect/intentions/check</c>: the L4 decision table.</summary>
public sealed class AuthorizeTests(AuthorizeScenarioFixture fixture) : IClassFixture<AuthorizeScenarioFixture>
{
    private readonly TestServer _server = fixture.Server;

    private static string Body(string source, string target)
        => $$"""{"Target":"{{target}}","ClientCertURI":"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/{{source}}","ClientCertSerial":"01"}""";

    [Theory]
    [InlineData("web", "db", true, "Matched L4 intention: default/web => default/db (ID: {id}, Precedence: 9, Action: ALLOW)")]
    [InlineData("other", "db", false, "Matched L4 intention: default/* => default/db (ID: {id}, Precedence: 8, Action: DENY)")]
    [InlineData("api", "db", false, "Matched L7 intention: default/api => default/db (ID: {id}, Precedence: 9, Permissions: 2)")]
    [InlineData("web", "cache", false, "Matched L4 intention: default/web => default/cache (ID: {id}, Precedence: 9, Action: DENY)")]
    [InlineData("other", "cache", true, "Matched L4 intention: default/* => default/cache (ID: {id}, Precedence: 8, Action: ALLOW)")]
    [InlineData("admin", "db", false, "Matched L4 intention: default/* => default/db (ID: {id}, Precedence: 8, Action: DENY)")]
    [InlineData("admin", "open", true, "Matched L4 intention: default/admin => default/* (ID: {id}, Precedence: 6, Action: ALLOW)")]
    [InlineData("blocked", "open", false, "Matched L4 intention: default/blocked => default/* (ID: {id}, Precedence: 6, Action: DENY)")]
    [InlineData("other", "open", true, "Default behavior configured by ACLs")]
    public async Task Authorize_DecisionTable(string source, string target, bool authorized, string reason)
    {
        var result = (await _server.SendAsync(HttpMethod.Post, "/v1/agent/connect/authorize", Body(source, target))).ExpectOk().Json;

        Assert.Equal(authorized, result.GetProperty("Authorized").GetBoolean());
        var (matchedSource, matchedDestination) = reason.Contains("=> default/*", StringComparison.Ordinal) ? (source, "*")
            : reason.Contains("default/* =>", StringComparison.Ordinal) ? ("*", target) : (source, target);
        Assert.Equal(reason.Replace("{id}", IntentionId.For(matchedSource, null, matchedDestination), StringComparison.Ordinal), result.GetProperty("Reason").GetString());
    }

    [Theory]
    [InlineData("web", "db", true)]
    [InlineData("other", "db", false)]
    [InlineData("api", "db", false)]
    [InlineData("web", "cache", false)]
    [InlineData("other", "cache", true)]
    [InlineData("admin", "open", true)]
    [InlineData("blocked", "open", false)]
    [InlineData("other", "open", true)]
    public async Task Check_AgreesWithAuthorize(string source, string destination, bool allowed)
    {
        var check = await _server.GetOkJsonAsync($"/v1/connect/intentions/check?source={source}&destination={destination}");
        Assert.Equal(allowed, check.GetProperty("Allowed").GetBoolean());
    }

    [Fact]
    public async Task Authorize_OtherNamespace_MatchesNoIntentionAndGetsTheDefault()
    {
        var body = """{"Target":"db","ClientCertURI":"spiffe://td.consul/ns/team/dc/dc1/svc/web"}""";
        var result = (await _server.SendAsync(HttpMethod.Post, "/v1/agent/connect/authorize", body)).ExpectOk().Json;
        Assert.True(result.GetProperty("Authorized").GetBoolean());
        Assert.Equal("Default behavior configured by ACLs", result.GetProperty("Reason").GetString());
    }

    [Theory]
    [InlineData("""{"ClientCertURI":"spiffe://td.consul/ns/default/dc/dc1/svc/web"}""", "Target service must be specified")]
    [InlineData("""{"Target":"db"}""", "ClientCertURI not a valid Connect identifier")]
    [InlineData("""{"Target":"db","ClientCertURI":"not a uri"}""", "ClientCertURI not a valid Connect identifier")]
    [InlineData("""{"Target":"db","ClientCertURI":"spiffe://td.consul/ns/default/dc/dc1/svc"}""", "ClientCertURI not a valid Connect identifier")]
    [InlineData("""{"Target":"db","ClientCertURI":"spiffe://td.consul/agent/client/dc/dc1/id/n1"}""", "ClientCertURI not a valid Service identifier")]
    [InlineData("""{"Target":7}""", "decode")]
    [InlineData("", "empty")]
    public async Task Authorize_BadRequest_Returns400(string body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Post, "/v1/agent/connect/authorize", body, HttpStatusCode.BadRequest, messagePart);
}
