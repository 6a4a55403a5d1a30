using System.Net;
using System.Text;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Http;

/// <summary>What every write endpoint refuses whatever its body: another datacenter, the wrong method, a huge body.</summary>
public sealed class WriteEndpointLimitsTests(SeededServerFixture fixture) : IClassFixture<SeededServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>Every write endpoint with a body it would accept.</summary>
    public static TheoryData<string, string?> WriteEndpoints => new()
    {
        { "/v1/catalog/register", """{"Node":"dc-node","Address":"127.0.0.1","Service":{"Service":"dc-web","Port":80}}""" },
        { "/v1/catalog/deregister", """{"Node":"seed-node","ServiceID":"seed-db"}""" },
        { "/v1/agent/service/register", """{"Name":"dc-web","Port":80}""" },
        { $"/v1/agent/service/deregister/{SeededServerFixture.ServiceId}", null },
        { "/v1/agent/check/register", """{"Name":"dc-check","TTL":"10m"}""" },
        { $"/v1/agent/check/deregister/{SeededServerFixture.ExternalCheckId}", null },
        { $"/v1/agent/check/pass/{SeededServerFixture.TtlCheckId}", null },
        { $"/v1/agent/check/warn/{SeededServerFixture.TtlCheckId}", null },
        { $"/v1/agent/check/fail/{SeededServerFixture.TtlCheckId}?note=down", null },
        { $"/v1/agent/check/update/{SeededServerFixture.TtlCheckId}", """{"Status":"warning","Output":"dc"}""" },
    };

    /// <summary>The write endpoints that read a JSON body.</summary>
    public static TheoryData<string> BodyEndpoints =>
    [
        "/v1/catalog/register",
        "/v1/catalog/deregister",
        "/v1/agent/service/register",
        "/v1/agent/check/register",
        $"/v1/agent/check/update/{SeededServerFixture.TtlCheckId}",
    ];

    public static TheoryData<string, string> WrongMethods
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var path in WriteEndpoints.Select(row => (string)row[0]))
            {
                foreach (var method in new[] { "GET", "POST", "DELETE", "PATCH" })
                {
                    data.Add(path, method);
                }
            }

            return data;
        }
    }

    private static string WithQuery(string path, string query) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task Write_OtherDatacenter_Returns400AndLeavesStateUnchanged(string path, string? body)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, WithQuery(path, "dc=other"), body, HttpStatusCode.BadRequest, "datacenter");

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task Write_DatacenterParameterOverridesDc_Returns400(string path, string? body)
        => await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, WithQuery(path, "dc=dc1&datacenter=other"), body, HttpStatusCode.BadRequest, "other");

    [Theory]
    [MemberData(nameof(WrongMethods))]
    public async Task Write_WrongMethod_Returns405WithAllowPut(string path, string method)
    {
        var result = await RejectionAssert.RejectedAsync(_server, new HttpMethod(method), path, null, HttpStatusCode.MethodNotAllowed, method);

        Assert.Equal("PUT", result.Header("Allow"));
    }

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task Write_BodyOver512KiB_Returns413AndLeavesStateUnchanged(string path)
    {
        var body = $$$"""{"Node":"big","Address":"127.0.0.1","Name":"big","Status":"passing","Output":"{{{new string('x', 600 * 1024)}}}"}""";

        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, path, body, HttpStatusCode.RequestEntityTooLarge, "too large");
    }

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task Write_ChunkedBodyOver512KiB_Returns413AndLeavesStateUnchanged(string path)
    {
        // No Content-Length: the limit must hold while reading, not only on the declared length.
        var bytes = Encoding.UTF8.GetBytes($$$"""{"Node":"big","Address":"127.0.0.1","Name":"big","Output":"{{{new string('y', 600 * 1024)}}}"}""");

        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, path, body: null, HttpStatusCode.RequestEntityTooLarge, "too large",
            request =>
            {
                request.Content = new StreamContent(new MemoryStream(bytes));
                request.Headers.TransferEncodingChunked = true;
            });
    }

    [Fact]
    public async Task Write_BodyJustUnderLimit_IsAccepted()
    {
        var output = new string('z', 500 * 1024);

        await _server.PutOkAsync($"/v1/agent/check/register", $$$"""{"Name":"{{{Unique.Name("big-notes")}}}","TTL":"10m","Notes":"{{{output}}}"}""");
    }
}
