using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.DiscoveryChain;

/// <summary>Writes that would break a discovery chain are refused with a 400 and leave the store unchanged.</summary>
public sealed class ConfigEntryGraphTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private Task<ApiResult> RejectedAsync(string body, string message)
        => RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/config", body, HttpStatusCode.BadRequest, message);

    [Fact]
    public async Task Router_OnTcpService_Refused()
    {
        var web = Unique.Name("web");

        await RejectedAsync($$$$"""{"Kind":"service-router","Name":"{{{{web}}}}","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a"}}}]}""",
            $"discovery chain \"{web}\" uses a protocol \"tcp\" that does not permit advanced routing or splitting behavior");
    }

    [Fact]
    public async Task ServiceDefaults_TurningRoutedServiceToTcp_Refused()
    {
        var web = Unique.Name("web");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{web}}}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-router","Name":"{{{{web}}}}","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a"}}}]}""");

        await RejectedAsync($$$$"""{"Kind":"service-defaults","Name":"{{{{web}}}}","Protocol":"tcp"}""", "does not permit advanced routing");
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Delete, $"/v1/config/service-defaults/{web}", null, HttpStatusCode.BadRequest, "does not permit advanced routing");
    }

    [Fact]
    public async Task Splitter_ToServiceWithOtherProtocol_Refused()
    {
        var web = Unique.Name("web");
        var db = Unique.Name("db");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{web}}}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{db}}}}","Protocol":"grpc"}""");

        await RejectedAsync($$$$"""{"Kind":"service-splitter","Name":"{{{{web}}}}","Splits":[{"Weight":50},{"Weight":50,"Service":"{{{{db}}}}"}]}""", "uses inconsistent protocols");
    }

    [Fact]
    public async Task Router_ToUnknownSubset_RefusedAndResolverDeleteGuarded()
    {
        var web = Unique.Name("web");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{web}}}}","Protocol":"http"}""");
        var router = $$$$"""{"Kind":"service-router","Name":"{{{{web}}}}","Routes":[{"Match":{"HTTP":{"PathPrefix":"/v2"}},"Destination":{"ServiceSubset":"v2"}}]}""";

        await RejectedAsync(router, $"service \"{web}\" does not have a subset named \"v2\"");

        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-resolver","Name":"{{{{web}}}}","Subsets":{"v2":{}}}""");
        await _server.PutOkAsync("/v1/config", router);
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Delete, $"/v1/config/service-resolver/{web}", null, HttpStatusCode.BadRequest, "does not have a subset named \"v2\"");
        await RejectedAsync($$$$"""{"Kind":"service-resolver","Name":"{{{{web}}}}","Subsets":{"v3":{}}}""", "does not have a subset named \"v2\"");
    }

    [Fact]
    public async Task Splitter_ChangeDownstream_ChecksChainsThatReachIt()
    {
        var web = Unique.Name("web");
        var api = Unique.Name("api");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{web}}}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-defaults","Name":"{{{{api}}}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$$"""{"Kind":"service-splitter","Name":"{{{{web}}}}","Splits":[{"Weight":50},{"Weight":50,"Service":"{{{{api}}}}"}]}""");

        // A splitter on api back to web closes a loop in web's chain.
        await RejectedAsync($$$$"""{"Kind":"service-splitter","Name":"{{{{api}}}}","Splits":[{"Weight":100,"Service":"{{{{web}}}}"}]}""", "detected circular reference");
        await RejectedAsync($$$$"""{"Kind":"service-defaults","Name":"{{{{api}}}}","Protocol":"http2"}""", "uses inconsistent protocols");
    }

    [Theory]
    [InlineData("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"a"}}}]}""", "Route[0] PathPrefix doesn't start with '/'")]
    [InlineData("""{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":50}]}""", "the sum of all split weights must be 100")]
    [InlineData("""{"Kind":"service-resolver","Name":"web","DefaultSubset":"v1"}""", "DefaultSubset \"v1\" is not a valid subset")]
    public async Task InvalidEntry_RefusedThroughTheApi(string body, string message) => await RejectedAsync(body, message);
}
