using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary><c>PUT /v1/config</c>, <c>GET /v1/config/:kind[/:name]</c> and <c>DELETE</c> against a real server.</summary>
public sealed class ConfigEntryEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Put_ServiceDefaults_ReadBackInConsulShape()
    {
        var name = Unique.Name("web");
        var put = await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{name}}","Protocol":"HTTP","MaxInboundConnections":5}""");
        Assert.Equal("true", put.Body);

        var entry = await _server.GetOkJsonAsync($"/v1/config/service-defaults/{name}");
        Assert.Equal(
            ["Kind", "Name", "Protocol", "TransparentProxy", "MeshGateway", "Expose", "MaxInboundConnections", "CreateIndex", "ModifyIndex"],
            entry.Names());
        Assert.Equal("service-defaults", entry.GetProperty("Kind").GetString());
        Assert.Equal(name, entry.GetProperty("Name").GetString());
        Assert.Equal("http", entry.GetProperty("Protocol").GetString());
        Assert.Equal("{}", entry.GetProperty("TransparentProxy").GetRawText());
        Assert.Equal(5, entry.GetProperty("MaxInboundConnections").GetInt32());
        Assert.True(entry.GetProperty("CreateIndex").GetInt64() > 0);
        Assert.Equal(entry.GetProperty("CreateIndex").GetInt64(), entry.GetProperty("ModifyIndex").GetInt64());
    }

    [Fact]
    public async Task Put_SnakeCaseInput_IsAcceptedAndMetaKeysKeptAsWritten()
    {
        var name = Unique.Name("snake");
        await _server.PutOkAsync("/v1/config", $$$"""
            {"kind":"service-defaults","name":"{{{name}}}","protocol":"grpc","max_inbound_connections":7,"local_connect_timeout_ms":100,
             "mesh_gateway":{"mode":"local"},"transparent_proxy":{"outbound_listener_port":15001,"dialed_directly":true},
             "upstream_config":{"defaults":{"connect_timeout_ms":250,"limits":{"max_connections":3}},
                                "overrides":[{"name":"db","protocol":"HTTP2","balance_outbound_connections":"exact_balance"}]},
             "meta":{"owner_team":"x"}}
            """);

        var entry = await _server.GetOkJsonAsync($"/v1/config/service-defaults/{name}");
        Assert.Equal("grpc", entry.GetProperty("Protocol").GetString());
        Assert.Equal(7, entry.GetProperty("MaxInboundConnections").GetInt32());
        Assert.Equal(100, entry.GetProperty("LocalConnectTimeoutMs").GetInt32());
        Assert.Equal("local", entry.GetProperty("MeshGateway").GetProperty("Mode").GetString());
        Assert.Equal(15001, entry.GetProperty("TransparentProxy").GetProperty("OutboundListenerPort").GetInt32());
        Assert.True(entry.GetProperty("TransparentProxy").GetProperty("DialedDirectly").GetBoolean());
        var upstreams = entry.GetProperty("UpstreamConfig");
        Assert.Equal(250, upstreams.GetProperty("Defaults").GetProperty("ConnectTimeoutMs").GetInt32());
        Assert.Equal(3, upstreams.GetProperty("Defaults").GetProperty("Limits").GetProperty("MaxConnections").GetInt32());
        var over = Assert.Single(upstreams.GetProperty("Overrides").EnumerateArray());
        Assert.Equal("http2", over.GetProperty("Protocol").GetString());
        Assert.Equal("exact_balance", over.GetProperty("BalanceOutboundConnections").GetString());
        Assert.Equal("x", entry.GetProperty("Meta").GetProperty("owner_team").GetString());
    }

    [Fact]
    public async Task Put_ProxyDefaults_NameDefaultsToGlobal_ConfigKeptVerbatim()
    {
        await _server.PutOkAsync("/v1/config", """{"Kind":"proxy-defaults","Config":{"protocol":"http","envoy_extra_json":{"a_b":1}},"Mode":"transparent"}""");

        var entry = await _server.GetOkJsonAsync("/v1/config/proxy-defaults/global");
        Assert.Equal("global", entry.GetProperty("Name").GetString());
        Assert.Equal("http", entry.GetProperty("Config").GetProperty("protocol").GetString());
        Assert.Equal(1, entry.GetProperty("Config").GetProperty("envoy_extra_json").GetProperty("a_b").GetInt32());
        Assert.Equal("transparent", entry.GetProperty("Mode").GetString());
        Assert.Equal("{}", entry.GetProperty("AccessLogs").GetRawText());
    }

    [Fact]
    public async Task Put_Mesh_StoredUnderNameMesh()
    {
        await _server.PutOkAsync("/v1/config", """{"Kind":"mesh","TransparentProxy":{"MeshDestinationsOnly":true},"TLS":{"Incoming":{"TLSMinVersion":"TLSv1_2"}},"HTTP":{"SanitizeXForwardedClientCert":true},"Peering":{"PeerThroughMeshGateways":true}}""");

        var entry = await _server.GetOkJsonAsync("/v1/config/mesh/mesh");
        Assert.True(entry.GetProperty("TransparentProxy").GetProperty("MeshDestinationsOnly").GetBoolean());
        Assert.Equal("TLSv1_2", entry.GetProperty("TLS").GetProperty("Incoming").GetProperty("TLSMinVersion").GetString());
        Assert.True(entry.GetProperty("HTTP").GetProperty("SanitizeXForwardedClientCert").GetBoolean());
        Assert.True(entry.GetProperty("Peering").GetProperty("PeerThroughMeshGateways").GetBoolean());
        Assert.Contains("mesh", (await _server.GetOkJsonAsync("/v1/config/mesh")).EnumerateArray().Select(e => e.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task Put_ReadOutputWrittenBack_IsAcceptedUnchanged()
    {
        var name = Unique.Name("roundtrip");
        await _server.PutOkAsync("/v1/config", $$$"""{"Kind":"service-intentions","Name":"{{{name}}}","Sources":[{"Name":"web","Action":"allow","Description":"d"}],"Meta":{"k":"v"}}""");
        var first = (await _server.GetAsync($"/v1/config/service-intentions/{name}")).ExpectOk();

        await _server.PutOkAsync("/v1/config", first.Body);

        var second = (await _server.GetAsync($"/v1/config/service-intentions/{name}")).ExpectOk();
        Assert.Equal(first.Body, second.Body);
    }

    [Fact]
    public async Task Get_Missing_Returns404WithConsulMessage()
    {
        var name = Unique.Name("missing");
        var result = (await _server.GetAsync($"/v1/config/service-defaults/{name}")).Expect(HttpStatusCode.NotFound);
        Assert.Equal($"Config entry not found for \"service-defaults\" / \"{name}\"", result.Body);
    }

    [Theory]
    [InlineData("GET", "/v1/config/bogus-kind")]
    [InlineData("GET", "/v1/config/bogus-kind/x")]
    [InlineData("DELETE", "/v1/config/bogus-kind/x")]
    public async Task UnknownKindInPath_Returns400NamingIt(string method, string path)
        => await RejectionAssert.RejectedAsync(_server, new HttpMethod(method), path, null, HttpStatusCode.BadRequest, "invalid config entry kind: bogus-kind");

    [Fact]
    public async Task List_ReturnsEntriesOfTheKindSortedByName()
    {
        var prefix = Unique.Name("list");
        foreach (var suffix in new[] { "b", "a", "c" })
        {
            await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{prefix}}-{{suffix}}","Protocol":"tcp"}""");
        }

        var names = (await _server.GetOkJsonAsync("/v1/config/service-defaults")).EnumerateArray()
            .Select(e => e.GetProperty("Name").GetString()!).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{prefix}-a", $"{prefix}-b", $"{prefix}-c"], names);
        Assert.All((await _server.GetOkJsonAsync("/v1/config/service-defaults")).EnumerateArray(), e => Assert.Equal("service-defaults", e.GetProperty("Kind").GetString()));
    }

    [Fact]
    public async Task Delete_RemovesEntryAndAnswersEmptyObject()
    {
        var name = Unique.Name("gone");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{name}}"}""");

        var deleted = (await _server.SendAsync(HttpMethod.Delete, $"/v1/config/service-defaults/{name}")).ExpectOk();

        Assert.Equal("{}", deleted.Body);
        (await _server.GetAsync($"/v1/config/service-defaults/{name}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pretty_IndentsOutput()
    {
        var name = Unique.Name("pretty");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{name}}"}""");
        var result = (await _server.GetAsync($"/v1/config/service-defaults/{name}?pretty")).ExpectOk();
        Assert.Contains("\n  \"Kind\": \"service-defaults\"", result.Body, StringComparison.Ordinal);
        Assert.EndsWith("\n", result.Body, StringComparison.Ordinal);
    }
}
