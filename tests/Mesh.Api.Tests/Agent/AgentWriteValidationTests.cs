using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

/// <summary>Bad input for every /v1/agent write: a 4xx naming the problem, and no change to the store.</summary>
public sealed class AgentWriteValidationTests(SeededServerFixture fixture) : IClassFixture<SeededServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("{bad", "decode")]
    [InlineData("", "empty")]
    [InlineData("\"web\"", "JSON object")]
    [InlineData("""{"Name":"x","Port":"abc"}""", "Port")]
    [InlineData("""{"Name":"x","Tags":"a"}""", "Tags")]
    [InlineData("""{"Name":"x","Meta":["a"]}""", "Meta")]
    [InlineData("""{"Port":80}""", "Name")]
    [InlineData("""{"Name":"","Port":80}""", "Name")]
    [InlineData("""{"Name":"x","Kind":"weird-kind"}""", "weird-kind")]
    [InlineData("""{"Name":"x","Port":70000}""", "70000")]
    [InlineData("""{"Name":"x","Port":-5}""", "-5")]
    [InlineData("""{"Name":"x","Meta":{"bad key":"v"}}""", "bad key")]
    [InlineData("""{"Name":"x","Check":{"TTL":"10s","Status":"bogus"}}""", "bogus")]
    [InlineData("""{"Name":"x","Check":{"Interval":"10s"}}""", "TTL")]
    [InlineData("""{"Name":"x","Check":{"TTL":"soon"}}""", "soon")]
    [InlineData("""{"Name":"x","Check":{"HTTP":"http://127.0.0.1/health"}}""", "Interval")]
    [InlineData("""{"Name":"x","Checks":[{"CheckID":"a","TTL":"1m"},{"CheckID":"a","TTL":"1m"}]}""", "Duplicate")]
    [InlineData("""{"Name":"p","Kind":"connect-proxy","Port":1}""", "DestinationServiceName")]
    [InlineData("""{"Name":"p","Kind":"connect-proxy","Port":1,"Proxy":{"DestinationServiceName":"x"},"Connect":{"SidecarService":{}}}""", "typical")]
    [InlineData("""{"Name":"x","Connect":{"SidecarService":{"Port":70000}}}""", "70000")]
    [InlineData("""{"Name":"x","Connect":{"SidecarService":{"Connect":{"SidecarService":{}}}}}""", "sidecar")]
    [InlineData("""{"Name":"x","Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"LocalBindPort":1}]}}}}""", "DestinationName")]
    public async Task ServiceRegister_BadBody_Returns400AndLeavesStateUnchanged(string body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/agent/service/register", body, HttpStatusCode.BadRequest, messagePart);

    [Fact]
    public async Task ServiceRegister_InvalidReplaceExistingChecksFlag_Returns400()
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/agent/service/register?replace-existing-checks=maybe",
            """{"Name":"x","Port":1}""", HttpStatusCode.BadRequest, "replace-existing-checks");

    [Fact]
    public async Task ServiceDeregister_UnknownId_Returns404AndLeavesStateUnchanged()
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/agent/service/deregister/no-such-service", null, HttpStatusCode.NotFound, "no-such-service");

    [Theory]
    [InlineData("{bad", "decode")]
    [InlineData("", "empty")]
    [InlineData("""{"Name":"c","TTL":10}""", "TTL")]
    [InlineData("""{"Name":"c","TTL":"10s","ServiceID":false}""", "ServiceID")]
    [InlineData("""{"TTL":"10s"}""", "Name")]
    [InlineData("""{"Name":"c","TTL":"10s","Status":"bogus"}""", "bogus")]
    [InlineData("""{"Name":"c","TTL":"later"}""", "later")]
    [InlineData("""{"Name":"c","TTL":"-5s"}""", "-5s")]
    [InlineData("""{"Name":"c","TTL":"10s","ServiceID":"no-such-service"}""", "no-such-service")]
    [InlineData("""{"Name":"c"}""", "TTL")]
    [InlineData("""{"Name":"c","TCP":"127.0.0.1:1"}""", "Interval")]
    [InlineData("""{"Name":"c","HTTP":"not a url","Interval":"10s"}""", "not a url")]
    public async Task CheckRegister_BadBody_Returns400AndLeavesStateUnchanged(string body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/agent/check/register", body, HttpStatusCode.BadRequest, messagePart);

    [Fact]
    public async Task CheckDeregister_UnknownId_Returns404AndLeavesStateUnchanged()
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/agent/check/deregister/no-such-check", null, HttpStatusCode.NotFound, "no-such-check");

    [Theory]
    [InlineData("pass")]
    [InlineData("warn")]
    [InlineData("fail")]
    public async Task TtlHeartbeat_UnknownOrNonTtlCheck_RejectedAndLeavesStateUnchanged(string endpoint)
    {
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, $"/v1/agent/check/{endpoint}/no-such-check", null, HttpStatusCode.NotFound, "no-such-check");
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, $"/v1/agent/check/{endpoint}/{SeededServerFixture.ExternalCheckId}", null, HttpStatusCode.BadRequest, "TTL");
    }

    [Theory]
    [InlineData("{bad", "decode")]
    [InlineData("", "empty")]
    [InlineData("[1]", "JSON object")]
    [InlineData("""{"Status":1}""", "Status")]
    [InlineData("""{"Status":"passing","Output":{}}""", "Output")]
    [InlineData("""{"Output":"x"}""", "Status")]
    [InlineData("""{"Status":"bogus"}""", "bogus")]
    [InlineData("""{"Status":"maintenance"}""", "maintenance")]
    public async Task CheckUpdate_BadBody_Returns400AndLeavesStateUnchanged(string body, string messagePart)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, $"/v1/agent/check/update/{SeededServerFixture.TtlCheckId}", body, HttpStatusCode.BadRequest, messagePart);

    [Fact]
    public async Task CheckUpdate_UnknownOrNonTtlCheck_RejectedAndLeavesStateUnchanged()
    {
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/agent/check/update/no-such-check", """{"Status":"passing"}""", HttpStatusCode.NotFound, "no-such-check");
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, $"/v1/agent/check/update/{SeededServerFixture.ExternalCheckId}", """{"Status":"passing"}""", HttpStatusCode.BadRequest, "TTL");
    }
}
