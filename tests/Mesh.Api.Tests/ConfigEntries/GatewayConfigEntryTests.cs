using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary>
/// The gateway config entry kinds (ingress-gateway, terminating-gateway, api-gateway, http-route, tcp-route,
/// inline-certificate) through <c>/v1/config</c> on a real server: Consul's shapes, CAS, and 400s that store nothing.
/// </summary>
public sealed class GatewayConfigEntryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private Task<ApiResult> RejectedAsync(string body, string messagePart)
        => RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/config", body, HttpStatusCode.BadRequest, messagePart);

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task IngressGateway_RoundTrip_ConsulShape()
    {
        var name = Unique.Name("ingress");
        var web = Unique.Name("web");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{web}}","Protocol":"http"}""");
        await _server.PutOkAsync("/v1/config", $$$$"""
            {"Kind":"ingress-gateway","Name":"{{{{name}}}}","tls":{"enabled":true},
             "Listeners":[{"Port":8080,"Services":[{"Name":"{{{{web}}}}-tcp"}]},
                          {"Port":9090,"Protocol":"HTTP","Services":[{"Name":"{{{{web}}}}","Hosts":["web.example.com"],"RequestHeaders":{"Add":{"x-a":"1"}}},{"Name":"*"}]}]}
            """);

        var entry = await _server.GetOkJsonAsync($"/v1/config/ingress-gateway/{name}");
        Assert.Equal(["Kind", "Name", "TLS", "Listeners", "CreateIndex", "ModifyIndex"], entry.Names());
        Assert.True(entry.GetProperty("TLS").GetProperty("Enabled").GetBoolean());
        var listeners = entry.GetProperty("Listeners");
        Assert.Equal("tcp", listeners[0].GetProperty("Protocol").GetString());
        Assert.Equal(["Port", "Protocol", "Services"], listeners[0].Names());
        Assert.Equal(["Name", "Hosts"], listeners[0].GetProperty("Services")[0].Names());
        Assert.Equal(JsonValueKind.Null, listeners[0].GetProperty("Services")[0].GetProperty("Hosts").ValueKind);
        Assert.Equal("http", listeners[1].GetProperty("Protocol").GetString());
        Assert.Equal("web.example.com", listeners[1].GetProperty("Services")[0].GetProperty("Hosts")[0].GetString());
        Assert.Equal("1", listeners[1].GetProperty("Services")[0].GetProperty("RequestHeaders").GetProperty("Add").GetProperty("x-a").GetString());

        // What a read prints can be written back unchanged.
        Assert.Equal("true", (await _server.PutOkAsync("/v1/config", entry.GetRawText())).Body);
        var again = await _server.GetOkJsonAsync($"/v1/config/ingress-gateway/{name}");
        Assert.Equal(entry.GetProperty("Listeners").GetRawText(), again.GetProperty("Listeners").GetRawText());
    }

    [Fact]
    public async Task IngressGateway_Cas_StaleIndexLeavesEntryUnchanged()
    {
        var name = Unique.Name("ingcas");
        string Entry(int port) => $$"""{"Kind":"ingress-gateway","Name":"{{name}}","Listeners":[{"Port":{{port}},"Services":[{"Name":"db"}]}]}""";
        Assert.Equal("true", (await _server.PutOkAsync("/v1/config?cas=0", Entry(8080))).Body);
        Assert.Equal("false", (await _server.PutOkAsync("/v1/config?cas=0", Entry(8081))).Body);
        var index = (await _server.GetOkJsonAsync($"/v1/config/ingress-gateway/{name}")).GetProperty("ModifyIndex").GetInt64();
        Assert.Equal("true", (await _server.PutOkAsync($"/v1/config?cas={index}", Entry(8082))).Body);
        var before = _server.DataDigest();
        Assert.Equal("false", (await _server.PutOkAsync($"/v1/config?cas={index}", Entry(8083))).Body);
        Assert.Equal(before, _server.DataDigest());
        var entry = await _server.GetOkJsonAsync($"/v1/config/ingress-gateway/{name}");
        Assert.Equal(8082, entry.GetProperty("Listeners")[0].GetProperty("Port").GetInt32());
    }

    [Theory]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Services":[{"Name":"a"}]},{"Port":8080,"Services":[{"Name":"b"}]}]}""", "port 8080 declared on two listeners")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"a","Hosts":["a.example.com"]}]}]}""", "Associating hosts to a service is not supported for the tcp protocol (listener on port 8080)")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"udp","Services":[{"Name":"a"}]}]}""", "protocol must be 'tcp', 'http', 'http2', or 'grpc'. 'udp' is an unsupported protocol")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080}]}""", "No service declared for listener with port 8080")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Services":[{"Name":"a"},{"Name":"b"}]}]}""", "Multiple services per listener are only supported for L7 protocols")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Services":[{"Name":"*"}]}]}""", "Wildcard service name is only valid for protocol = 'http'")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"*","Hosts":["a.example.com"]}]}]}""", "Associating hosts to a wildcard service is not supported")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"a","Hosts":["x.example.com"]},{"Name":"b","Hosts":["x.example.com"]}]}]}""", "Hosts must be unique within a specific listener")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"a"},{"Name":"a"}]}]}""", "Service a cannot be added multiple times")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","TLS":{"Enabled":true},"Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"a","Hosts":["*"]}]}]}""", "Host '*' is not allowed when TLS is enabled")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"a","Hosts":["a.*.example.com"]}]}]}""", "a wildcard specifier is only allowed as the leftmost label")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Services":[{"Name":""}]}]}""", "Service name cannot be blank")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Services":[{"Name":"a","RequestHeaders":{"Add":{"x":"y"}}}]}]}""", "request headers only valid for http, http2 and grpc protocols")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","TLS":{"SDS":{"CertResource":"c"}},"Listeners":[{"Port":8080,"Services":[{"Name":"a"}]}]}""", "TLS.SDS.ClusterName is required if CertResource is set")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","TLS":{"SDS":{"ClusterName":"sds"}},"Services":[{"Name":"a"}]}]}""", "TLS.SDS.CertResource is required if ClusterName is set for listener (listener on port 8080)")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"a","TLS":{"SDS":{"ClusterName":"c","CertResource":"r"}}}]}]}""", "must have at least one item in Hosts")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","TLS":{"TLSMinVersion":"TLSv1_3","TLSMaxVersion":"TLSv1_2"}}""", "configuring max version TLSv1_2 less than the configured min version TLSv1_3 is invalid")]
    [InlineData("""{"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Servics":[]}]}""", "invalid config key \"Listeners[0].Servics\"")]
    [InlineData("""{"Kind":"ingress-gateway","Listeners":[]}""", "Name is required")]
    public async Task IngressGateway_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Fact]
    public async Task IngressGateway_ListenerProtocolMustMatchTheService_CheckedInTheFsm()
    {
        var service = Unique.Name("svc");
        var gateway = Unique.Name("ing");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{service}}","Protocol":"http"}""");
        await RejectedAsync(
            $$"""{"Kind":"ingress-gateway","Name":"{{gateway}}","Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"{{service}}"}]}]}""",
            $"service \"{service}\" has protocol \"http\", which does not match defined listener protocol \"tcp\"");

        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"ingress-gateway","Name":"{{gateway}}","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"{{service}}"}]}]}""");

        // Changing the service's protocol under the gateway is refused too, and so is removing it (tcp again).
        await RejectedAsync($$"""{"Kind":"service-defaults","Name":"{{service}}","Protocol":"grpc"}""", "which does not match defined listener protocol \"http\"");
        await RejectionAssert.RejectedAsync(_server, HttpMethod.Delete, $"/v1/config/service-defaults/{service}", null, HttpStatusCode.BadRequest, "does not match defined listener protocol");
    }

    [Fact]
    public async Task Gateways_OfDifferentKinds_CannotShareAName()
    {
        var name = Unique.Name("gw");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"terminating-gateway","Name":"{{name}}","Services":[{"Name":"legacy"}]}""");
        await RejectedAsync(
            $$"""{"Kind":"ingress-gateway","Name":"{{name}}","Listeners":[]}""",
            $"cannot create a \"ingress-gateway\" config entry with name \"{name}\", a \"terminating-gateway\" config entry with that name already exists");
        await RejectedAsync(
            $$"""{"Kind":"api-gateway","Name":"{{name}}","Listeners":[{"Name":"l","Port":80,"Protocol":"http"}]}""",
            "a \"terminating-gateway\" config entry with that name already exists");
    }

    [Fact]
    public async Task TerminatingGateway_LinksAServiceThatDoesNotExistYet_RoundTrip()
    {
        var name = Unique.Name("term");
        var missing = Unique.Name("not-registered");
        await _server.PutOkAsync("/v1/config", $$"""
            {"Kind":"terminating-gateway","Name":"{{name}}","Services":[
              {"Name":"{{missing}}","CAFile":"ca.pem","CertFile":"c.pem","KeyFile":"k.pem","SNI":"x.example.com"},
              {"name":"*","ca_file":"/etc/ca.pem"}]}
            """);

        var entry = await _server.GetOkJsonAsync($"/v1/config/terminating-gateway/{name}");
        Assert.Equal(["Kind", "Name", "Services", "CreateIndex", "ModifyIndex"], entry.Names());
        var linked = entry.GetProperty("Services");
        Assert.Equal(["Name", "CAFile", "CertFile", "KeyFile", "SNI"], linked[0].Names());
        Assert.Equal(missing, linked[0].GetProperty("Name").GetString());
        Assert.Equal(["Name", "CAFile"], linked[1].Names());
        Assert.Equal("/etc/ca.pem", linked[1].GetProperty("CAFile").GetString());
    }

    [Theory]
    [InlineData("""{"Kind":"terminating-gateway","Name":"t","Services":[{"CAFile":"a"}]}""", "Service name cannot be blank.")]
    [InlineData("""{"Kind":"terminating-gateway","Name":"t","Services":[{"Name":"a"},{"Name":"a"}]}""", "Service \"a\" was specified more than once within a namespace")]
    [InlineData("""{"Kind":"terminating-gateway","Name":"t","Services":[{"Name":"a","CertFile":"c.pem"}]}""", "Service \"a\" must have a CertFile, CAFile, and KeyFile specified for TLS origination")]
    public async Task TerminatingGateway_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Fact]
    public async Task ApiGateway_And_Routes_RoundTrip_RouteToMissingGatewayStoredAsConsul()
    {
        var gateway = Unique.Name("api");
        await _server.PutOkAsync("/v1/config", $$$"""
            {"Kind":"api-gateway","Name":"{{{gateway}}}","Listeners":[{"Name":"listener","Port":8080,"Protocol":"HTTP","TLS":{"Certificates":[{"Name":"certificate"}]}}]}
            """);
        var entry = await _server.GetOkJsonAsync($"/v1/config/api-gateway/{gateway}");
        Assert.Equal(["Kind", "Name", "Listeners", "Status", "CreateIndex", "ModifyIndex"], entry.Names());
        var listener = entry.GetProperty("Listeners")[0];
        Assert.Equal("http", listener.GetProperty("Protocol").GetString());
        Assert.Equal("inline-certificate", listener.GetProperty("TLS").GetProperty("Certificates")[0].GetProperty("Kind").GetString());

        // Consul stores a route whose parent does not exist (its controller reports it in Status later).
        var route = Unique.Name("route");
        await _server.PutOkAsync("/v1/config", $$$$"""
            {"Kind":"http-route","Name":"{{{{route}}}}","Parents":[{"Name":"no-such-gateway"}],
             "Rules":[{"Matches":[{"Method":"get"}],"Services":[{"Name":"service"}],
                       "Filters":{"Headers":[{"Add":{"X-Header-Add":"added"},"Remove":["X-Header-Remove"]}],
                                  "RetryFilter":{"NumRetries":3,"RetryOn":["cancelled"],"RetryOnStatusCodes":[500],"RetryOnConnectFailure":true},
                                  "TimeoutFilter":{"RequestTimeout":"30s","IdleTimeout":"30s"}}}],
             "Hostnames":["a.example.com"]}
            """);
        var http = await _server.GetOkJsonAsync($"/v1/config/http-route/{route}");
        Assert.Equal(["Kind", "Name", "Parents", "Rules", "Hostnames", "Status", "CreateIndex", "ModifyIndex"], http.Names());
        Assert.Equal("api-gateway", http.GetProperty("Parents")[0].GetProperty("Kind").GetString());
        var rule = http.GetProperty("Rules")[0];
        Assert.Equal("GET", rule.GetProperty("Matches")[0].GetProperty("Method").GetString());
        Assert.Equal("prefix", rule.GetProperty("Matches")[0].GetProperty("Path").GetProperty("Match").GetString());
        Assert.Equal("/", rule.GetProperty("Matches")[0].GetProperty("Path").GetProperty("Value").GetString());
        Assert.Equal(1, rule.GetProperty("Services")[0].GetProperty("Weight").GetInt32());
        Assert.Equal(3, rule.GetProperty("Filters").GetProperty("RetryFilter").GetProperty("NumRetries").GetInt32());

        var tcp = Unique.Name("tcproute");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"tcp-route","Name":"{{tcp}}","Parents":[{"Kind":"api-gateway","Name":"{{gateway}}","SectionName":"listener"}],"Services":[{"Name":"service"}]}""");
        var tcpEntry = await _server.GetOkJsonAsync($"/v1/config/tcp-route/{tcp}");
        Assert.Equal("listener", tcpEntry.GetProperty("Parents")[0].GetProperty("SectionName").GetString());
        Assert.Equal("service", tcpEntry.GetProperty("Services")[0].GetProperty("Name").GetString());

        // The gateway controller writes these entries' Status next; let it finish before the next test compares digests.
        await TestCluster.WaitUntilAsync(
            () => Mesh.Config.ConfigEntries.GatewayStatusRules.Compute(_server.Server.Fsm.Current)
                .All(update => Mesh.Config.ConfigEntries.GatewayStatusRules.Matches(update.Current, update.Desired)),
            TimeSpan.FromSeconds(30),
            "the gateway controller to settle");
    }

    [Theory]
    [InlineData("""{"Kind":"api-gateway","Name":"a"}""", "api gateway must have at least one listener")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"Bad_Name","Port":80,"Protocol":"http"}]}""", "listener name \"Bad_Name\" is invalid")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":80,"Protocol":"http"},{"Name":"l","Port":81,"Protocol":"http"}]}""", "found multiple listeners with the name \"l\"")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":80,"Protocol":"http"},{"Name":"m","Port":80,"Protocol":"tcp"}]}""", "listeners \"l\" and \"m\" cannot be merged")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":80,"Protocol":"udp"}]}""", "unsupported listener protocol \"udp\", must be one of 'tcp', or 'http'")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":80,"Protocol":"tcp","Hostname":"a.example.com"}]}""", "hostname specification is not supported when using TCP")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":0,"Protocol":"http"}]}""", "listener port 0 not in the range 1-65535")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":80,"Protocol":"http","TLS":{"Certificates":[{"Kind":"file-system-certificate","Name":"c"}]}}]}""", "unsupported certificate kind: \"file-system-certificate\", must be 'inline-certificate'")]
    [InlineData("""{"Kind":"api-gateway","Name":"a","Listeners":[{"Name":"l","Port":80,"Protocol":"http","TLS":{"Certificates":[{}]}}]}""", "certificate reference must have a name")]
    [InlineData("""{"Kind":"http-route","Name":"r","Parents":[{"Kind":"ingress-gateway","Name":"g"}]}""", "unsupported parent kind: \"ingress-gateway\", must be 'api-gateway'")]
    [InlineData("""{"Kind":"http-route","Name":"r","Parents":[{"Name":"g"},{"Kind":"api-gateway","Name":"g"}]}""", "route parents must be unique")]
    [InlineData("""{"Kind":"http-route","Name":"r","Hostnames":["*.example.com"]}""", "host \"*.example.com\" must not be a wildcard")]
    [InlineData("""{"Kind":"http-route","Name":"r","Rules":[{"Matches":[{"Method":"FETCH"}]}]}""", "Rule[0], Match[0], Method contains an invalid method \"FETCH\"")]
    [InlineData("""{"Kind":"http-route","Name":"r","Rules":[{"Matches":[{"Path":{"Match":"exact","Value":"x"}}]}]}""", "Rule[0], Match[0], Path, exact type match doesn't start with '/': \"x\"")]
    [InlineData("""{"Kind":"http-route","Name":"r","Rules":[{"Matches":[{"Headers":[{"Match":"exact"}]}]}]}""", "Rule[0], Match[0], Headers[0], missing required Name field")]
    [InlineData("""{"Kind":"tcp-route","Name":"r","Services":[{"Name":"a"},{"Name":"b"}]}""", "tcp-route currently only supports one service")]
    public async Task ApiGatewayAndRoutes_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Fact]
    public async Task InlineCertificate_MatchingPairStored_MismatchedKeyRejectedWithGosMessage()
    {
        var pair = TestKeyPair.Rsa("gateway.example.com");
        var name = Unique.Name("cert");
        await _server.PutOkAsync("/v1/config", Json(new { Kind = "inline-certificate", Name = name, Certificate = pair.CertificatePem, PrivateKey = pair.KeyPem }));
        var entry = await _server.GetOkJsonAsync($"/v1/config/inline-certificate/{name}");
        Assert.Equal(["Kind", "Name", "Certificate", "PrivateKey", "CreateIndex", "ModifyIndex"], entry.Names());
        Assert.Equal(pair.CertificatePem, entry.GetProperty("Certificate").GetString());

        var other = TestKeyPair.Rsa("gateway.example.com");
        await RejectedAsync(Json(new { Kind = "inline-certificate", Name = Unique.Name("bad"), Certificate = pair.CertificatePem, PrivateKey = other.KeyPem }),
            "tls: private key does not match public key");
        var ec = TestKeyPair.Ec("gateway.example.com");
        await RejectedAsync(Json(new { Kind = "inline-certificate", Name = Unique.Name("bad"), Certificate = pair.CertificatePem, PrivateKey = ec.KeyPem }),
            "tls: private key type does not match public key type");
        await _server.PutOkAsync("/v1/config", Json(new { Kind = "inline-certificate", Name = Unique.Name("ec"), Certificate = ec.CertificatePem, PrivateKey = ec.KeyPem }));
    }

    [Fact]
    public async Task InlineCertificate_BadPemAndShortKeys_Rejected()
    {
        var pair = TestKeyPair.Rsa("gateway.example.com");
        var small = TestKeyPair.Rsa("gateway.example.com", 1024);
        await RejectedAsync(Json(new { Kind = "inline-certificate", Name = "c", Certificate = pair.CertificatePem, PrivateKey = "nope" }), "failed to parse private key PEM");
        await RejectedAsync(Json(new { Kind = "inline-certificate", Name = "c", Certificate = "nope", PrivateKey = pair.KeyPem }), "failed to parse certificate PEM");
        await RejectedAsync(Json(new { Kind = "inline-certificate", Name = "c", Certificate = small.CertificatePem, PrivateKey = small.KeyPem }), "key length must be at least 2048 bits");
    }
}
