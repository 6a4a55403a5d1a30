using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary>Bad config entries: a 400 whose message names the field, and no change to the store.</summary>
public sealed class ConfigEntryValidationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private Task<ApiResult> RejectedAsync(string body, string messagePart)
        => RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/config", body, HttpStatusCode.BadRequest, messagePart);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{bad", "decoding failed")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"Name":"web"}""", "kind/Kind")]
    [InlineData("""{"Kind":5,"Name":"web"}""", "Kind value in payload is not a string")]
    [InlineData("""{"Kind":"service-splines","Name":"web"}""", "invalid config entry kind: service-splines")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Protocoll":"http"}""", "invalid config key \"Protocoll\"")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Namespace":"team"}""", "invalid config key \"Namespace\", namespaces")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Defaults":{"Bogus":1}}}""", "invalid config key \"UpstreamConfig.Defaults.Bogus\"")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow","Extra":true}]}""", "invalid config key \"Sources[0].Extra\"")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","MaxInboundConnections":"many"}""", "\"MaxInboundConnections\": expected an integer")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Meta":{"k":1}}""", "\"Meta.k\": expected a string")]
    public async Task Decoding_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Theory]
    [InlineData("""{"Kind":"service-defaults"}""", "Name is required")]
    [InlineData("""{"Kind":"service-defaults","Name":"*"}""", "not a wildcard")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Protocol":"udp"}""", "Protocol \"udp\" is not supported")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Mode":"sideways"}""", "Mode: invalid proxy mode")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","MutualTLSMode":"lax"}""", "MutualTLSMode")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","MeshGateway":{"Mode":"teleport"}}""", "MeshGateway.Mode")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","TransparentProxy":{"OutboundListenerPort":70000}}""", "TransparentProxy.OutboundListenerPort")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Expose":{"Paths":[{"Path":"metrics","ListenerPort":21500}]}}""", "Expose.Paths[0].Path")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Expose":{"Paths":[{"Path":"/m","Protocol":"grpc"}]}}""", "Expose.Paths[0].Protocol")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","BalanceInboundConnections":"round_robin"}""", "BalanceInboundConnections")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","MaxInboundConnections":-1}""", "MaxInboundConnections")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","LocalRequestTimeoutMs":-5}""", "LocalRequestTimeoutMs")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Overrides":[{"Protocol":"http"}]}}""", "UpstreamConfig.Overrides[0].Name is required")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Overrides":[{"Name":"*"}]}}""", "UpstreamConfig.Overrides[0].Name: wildcard")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Defaults":{"Name":"db"}}}""", "UpstreamConfig.Defaults.Name must be empty")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Defaults":{"Protocol":"smtp"}}}""", "UpstreamConfig.Defaults.Protocol")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Defaults":{"Limits":{"MaxConnections":-1}}}}""", "UpstreamConfig.Defaults.Limits.MaxConnections")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{"Defaults":{"BalanceOutboundConnections":"x"}}}""", "UpstreamConfig.Defaults.BalanceOutboundConnections")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","UpstreamConfig":{},"Destination":{"Addresses":["a.example"],"Port":443}}""", "mutually exclusive")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Destination":{"Port":443}}""", "Destination must contain at least one valid address")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Destination":{"Addresses":["*.example"],"Port":443}}""", "Destination address '*.example' is invalid")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Destination":{"Addresses":["a.example","a.example"],"Port":443}}""", "duplicate address")]
    [InlineData("""{"Kind":"service-defaults","Name":"web","Destination":{"Addresses":["10.0.0.1"]}}""", "Destination: invalid Port")]
    public async Task ServiceDefaults_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Theory]
    [InlineData("""{"Kind":"proxy-defaults","Name":"local"}""", "invalid name (\"local\"), only \"global\" is supported")]
    [InlineData("""{"Kind":"proxy-defaults","Config":"protocol=http"}""", "Config must be a JSON object")]
    [InlineData("""{"Kind":"proxy-defaults","Mode":"x"}""", "Mode: invalid proxy mode")]
    [InlineData("""{"Kind":"proxy-defaults","AccessLogs":{"Enabled":true,"Type":"syslog"}}""", "AccessLogs.Type")]
    [InlineData("""{"Kind":"proxy-defaults","AccessLogs":{"Enabled":true,"Type":"file"}}""", "AccessLogs.Path must be specified")]
    [InlineData("""{"Kind":"proxy-defaults","AccessLogs":{"Enabled":true,"Type":"stdout","Path":"/tmp/x"}}""", "AccessLogs.Path is only valid")]
    [InlineData("""{"Kind":"proxy-defaults","AccessLogs":{"JSONFormat":"{}","TextFormat":"x"}}""", "both access log JSONFormat and TextFormat")]
    [InlineData("""{"Kind":"proxy-defaults","AccessLogs":{"JSONFormat":"{not json"}}""", "AccessLogs.JSONFormat")]
    [InlineData("""{"Kind":"proxy-defaults","MeshGateway":{"Mode":"far"}}""", "MeshGateway.Mode")]
    public async Task ProxyDefaults_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Theory]
    [InlineData("""{"Kind":"mesh","Name":"other"}""", "only \"mesh\" is supported")]
    [InlineData("""{"Kind":"mesh","TLS":{"Incoming":{"TLSMinVersion":"SSLv3"}}}""", "TLS.Incoming.TLSMinVersion")]
    [InlineData("""{"Kind":"mesh","TLS":{"Outgoing":{"TLSMinVersion":"TLSv1_3","TLSMaxVersion":"TLSv1_2"}}}""", "max version TLSv1_2 less than the configured min version TLSv1_3")]
    [InlineData("""{"Kind":"mesh","TLS":{"Incoming":{"TLSMinVersion":"TLSv1_3","CipherSuites":["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}}}""", "CipherSuites")]
    [InlineData("""{"Kind":"mesh","TLS":{"Incoming":{"CipherSuites":["TLS_RSA_WITH_RC4_128_SHA"]}}}""", "TLS_RSA_WITH_RC4_128_SHA")]
    [InlineData("""{"Kind":"mesh","HTTP":{"Incoming":{"RequestNormalization":{"HeadersWithUnderscoresAction":"SHOUT"}}}}""", "HeadersWithUnderscoresAction")]
    [InlineData("""{"Kind":"mesh","TransparentProxy":{"MeshDestinationsOnly":"yes"}}""", "\"TransparentProxy.MeshDestinationsOnly\": expected true or false")]
    public async Task Mesh_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Theory]
    [InlineData("""{"Kind":"service-intentions","Sources":[{"Name":"web","Action":"allow"}]}""", "Name is required")]
    [InlineData("""{"Kind":"service-intentions","Name":"db"}""", "At least one source is required")]
    [InlineData("""{"Kind":"service-intentions","Name":"db*","Sources":[{"Name":"web","Action":"allow"}]}""", "Name: wildcard character '*' cannot be used with partial values")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Action":"allow"}]}""", "Sources[0].Name is required")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"we*","Action":"allow"}]}""", "Sources[0].Name: wildcard")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web"}]}""", "Sources[0].Action must be set to 'allow' or 'deny'")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"permit"}]}""", "Sources[0].Action must be set")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"},{"Name":"web","Action":"deny"}]}""", "Sources[1] defines \"web\" more than once")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow","Type":"external"}]}""", "Sources[0].Type must be set to 'consul'")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow","LegacyMeta":{"a":"b"}}]}""", "Sources[0].LegacyMeta must be omitted")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow","Peer":"p*"}]}""", "Sources[0].Peer")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]}""", "Sources[0].Action must be omitted if Permissions are specified")]
    [InlineData("""{"Kind":"service-intentions","Name":"*","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]}""", "Sources[0].Permissions cannot be specified on intentions with wildcarded destinations")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"maybe","HTTP":{"PathPrefix":"/"}}]}]}""", "Sources[0].Permissions[0].Action must be set")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow"}]}]}""", "Sources[0].Permissions[0].HTTP is required")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{}}]}]}""", "Sources[0].Permissions[0].HTTP should not be empty")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathExact":"/a","PathPrefix":"/b"}}]}]}""", "should only contain at most one of PathExact, PathPrefix, or PathRegex")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathExact":"a"}}]}]}""", "PathExact doesn't start with '/'")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"a"}}]}]}""", "PathPrefix doesn't start with '/'")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Methods":["FETCH"]}}]}]}""", "Methods contains an invalid method \"FETCH\"")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Methods":["GET","get"]}}]}]}""", "Methods contains \"GET\" more than once")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Header":[{"Exact":"x"}]}}]}]}""", "Header[0] missing required Name field")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Header":[{"Name":"x-a","Exact":"x","Prefix":"y"}]}}]}]}""", "Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex")]
    [InlineData("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Header":[{"Name":"x-a"}]}}]}]}""", "Header[0] should only contain one of")]
    public async Task ServiceIntentions_Invalid_Rejected(string body, string messagePart) => await RejectedAsync(body, messagePart);

    [Fact]
    public async Task Meta_OverLimits_Rejected()
    {
        var pairs = string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"k{i}\":\"v\""));
        await RejectedAsync($$$"""{"Kind":"service-defaults","Name":"web","Meta":{{{{pairs}}}}}""", "Meta exceeds maximum element count 64");
        await RejectedAsync($$$"""{"Kind":"service-defaults","Name":"web","Meta":{"{{{new string('k', 129)}}}":"v"}}""", "exceeds maximum length 128");
        await RejectedAsync($$$"""{"Kind":"service-defaults","Name":"web","Meta":{"k":"{{{new string('v', 513)}}}"}}""", "Meta value for key \"k\" exceeds maximum length 512");
    }
}
