using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Http;

/// <summary>
/// The classes of malformed input an attacker or a broken client sends, against every JSON write endpoint group:
/// repeated keys (last one wins, as Consul's Go decoder does), bytes that are not UTF-8, unpaired surrogate escapes,
/// nesting past the limit, numbers too large for any field, non-object roots, truncated text, and bad query strings
/// and path segments. None may be answered with a 5xx; refusals are 400s that name the problem and change nothing.
/// </summary>
public sealed class MalformedInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    /// <summary>One JSON write endpoint of each group, with the method it takes and a body it accepts.</summary>
    public static TheoryData<string, string, string> JsonWrites => new()
    {
        { "PUT", "/v1/catalog/register", """{"Node":"mal-node","Address":"127.0.0.50","Service":{"Service":"mal","Port":80}}""" },
        { "PUT", "/v1/catalog/deregister", """{"Node":"mal-none","ServiceID":"nothing"}""" },
        { "PUT", "/v1/agent/service/register", """{"Name":"mal-agent","Port":8080}""" },
        { "PUT", "/v1/agent/check/register", """{"Name":"mal-check","TTL":"10m"}""" },
        { "PUT", "/v1/agent/check/update/mal-missing", """{"Status":"passing","Output":"fine"}""" },
        { "PUT", "/v1/config", """{"Kind":"service-defaults","Name":"mal-defaults","Protocol":"http"}""" },
        { "PUT", "/v1/connect/intentions/exact?source=mal-a&destination=mal-b", """{"Action":"allow"}""" },
        { "PUT", "/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"LeafCertTTL":"72h"}}""" },
        { "POST", "/v1/agent/connect/authorize", """{"Target":"mal-b","ClientCertURI":"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/mal-a"}""" },
        { "POST", "/v1/discovery-chain/mal-b", """{"OverrideProtocol":"http"}""" },
    };

    /// <summary>Each malformed body class: a name and how it is built from a valid body.</summary>
    private static readonly string[] BadBodies =
    [
        "invalid-utf8-property-name",
        "lone-surrogate-property-name",
        "deep-nesting",
        "array-root",
        "string-root",
        "number-root",
        "truncated",
        "trailing-garbage",
    ];

    public static TheoryData<string, string, string, string> WritesTimesBadBodies
    {
        get
        {
            var data = new TheoryData<string, string, string, string>();
            foreach (var row in JsonWrites)
            {
                foreach (var bad in BadBodies)
                {
                    data.Add((string)row[0], (string)row[1], (string)row[2], bad);
                }
            }

            return data;
        }
    }

    private static byte[] Malformed(string valid, string kind)
    {
        var inner = valid.TrimStart()[1..]; // the members after the opening brace
        return kind switch
        {
            "invalid-utf8-property-name" => [.. "{\""u8, 0xC3, 0x28, 0xFF, .. "\":1,"u8, .. Encoding.UTF8.GetBytes(inner)],
            "lone-surrogate-property-name" => Encoding.UTF8.GetBytes("{\"\\ud800\":1," + inner),
            "deep-nesting" => Encoding.UTF8.GetBytes("{\"Junk\":" + new string('[', 200) + new string(']', 200) + "," + inner),
            "array-root" => Encoding.UTF8.GetBytes("[" + valid + "]"),
            "string-root" => "\"text\""u8.ToArray(),
            "number-root" => "1e400"u8.ToArray(),
            "truncated" => Encoding.UTF8.GetBytes(valid[..(valid.Length / 2)]),
            "trailing-garbage" => Encoding.UTF8.GetBytes(valid + "}{"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private async Task<ApiResult> SendBytesAsync(string method, string path, byte[] body)
        => await _server.SendAsync(new HttpMethod(method), path, configure: request =>
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        });

    [Theory]
    [MemberData(nameof(WritesTimesBadBodies))]
    public async Task MalformedBody_IsA400NamingTheProblem_AndChangesNothing(string method, string path, string valid, string kind)
    {
        var before = _server.Digest();

        var result = await SendBytesAsync(method, path, Malformed(valid, kind));

        Assert.True(result.Status == HttpStatusCode.BadRequest, $"{kind}: {method} {path} gave {(int)result.Status}: {result.Body}");
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains("decod", result.Body, StringComparison.OrdinalIgnoreCase);
        if (kind.Contains("utf8", StringComparison.Ordinal) || kind.Contains("surrogate", StringComparison.Ordinal))
        {
            Assert.Contains(kind.Contains("utf8", StringComparison.Ordinal) ? "UTF-8" : "surrogate", result.Body, StringComparison.Ordinal);
        }

        Assert.Equal(before, _server.Digest());
    }

    [Theory]
    [MemberData(nameof(JsonWrites))]
    public async Task DuplicateKeys_AreAccepted_AsTheValidBodyIs(string method, string path, string valid)
    {
        // Every key of the body written twice: Go's decoder keeps the last one.
        var inner = valid.TrimStart()[1..];
        var duplicated = "{" + inner.TrimEnd()[..^1] + "," + inner;
        var expected = await _server.SendAsync(new HttpMethod(method), path, valid);

        var result = await SendBytesAsync(method, path, Encoding.UTF8.GetBytes(duplicated));

        Assert.True((int)result.Status < 500, $"{method} {path} gave {(int)result.Status}: {result.Body}");
        Assert.Equal(expected.Status, result.Status);
    }

    [Fact]
    public async Task DuplicateKey_LastOneWins()
    {
        await _server.PutOkAsync("/v1/catalog/register", """{"Node":"dup-first","Node":"dup-last","Address":"127.0.0.1","Address":"127.0.0.52"}""");

        var nodes = (await _server.GetOkJsonAsync("/v1/catalog/nodes")).EnumerateArray().ToList();
        Assert.Contains(nodes, n => n.GetProperty("Node").GetString() == "dup-last" && n.GetProperty("Address").GetString() == "127.0.0.52");
        Assert.DoesNotContain(nodes, n => n.GetProperty("Node").GetString() == "dup-first");
    }

    [Theory]
    [MemberData(nameof(JsonWrites))]
    public async Task WrongTypesAndHugeNumbers_InEveryField_AreNever5xx(string method, string path, string valid)
    {
        foreach (var replacement in new[] { "1e400", "-99999999999999999999999", "123456789012345678901234567890", "\"\\u0000\"", "{}", "[[]]", "true" })
        {
            var body = System.Text.RegularExpressions.Regex.Replace(valid, ":(\"[^\"]*\"|[0-9]+)", _ => ":" + replacement);
            var result = await SendBytesAsync(method, path, Encoding.UTF8.GetBytes(body));
            Assert.True((int)result.Status < 500, $"{method} {path} with {body} gave {(int)result.Status}: {result.Body}");
        }
    }

    public static TheoryData<string> BadQueries =>
    [
        "index=abc", "index=-1", "index=99999999999999999999999", "wait=forever", "wait=-5s", "wait=9999999999999h",
        "wait=1e400s", "dc=%FF%FE", "dc=%00", "stale&consistent", "filter=%22", "filter=((((((((((((((((((((", "near=%C3%28",
        "ns=%ED%A0%80", "index=%00", "wait=%C3%28", "cached&max-age=abc", "pretty=maybe", "token=%FF",
    ];

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task BadQueryStrings_OnReadsAndWrites_AreNever5xx(string query)
    {
        foreach (var path in new[] { "/v1/catalog/services", "/v1/health/service/mal", "/v1/catalog/node/mal-node", "/v1/config/service-defaults", "/v1/connect/intentions", "/v1/agent/services", "/v1/connect/ca/roots", "/v1/status/leader" })
        {
            var read = await _server.GetAsync($"{path}?{query}");
            Assert.True((int)read.Status < 500, $"GET {path}?{query} gave {(int)read.Status}: {read.Body}");
        }

        foreach (var row in JsonWrites)
        {
            var path = (string)row[1];
            var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var write = await _server.SendAsync(new HttpMethod((string)row[0]), path + separator + query, (string)row[2]);
            Assert.True((int)write.Status < 500, $"{row[0]} {path}{separator}{query} gave {(int)write.Status}: {write.Body}");
        }
    }

    public static TheoryData<string> OddSegments => ["%FF", "%00", "%ED%A0%80", "..%2F..", "a%2Fb", "%20", "%C3%28", "x".PadRight(4000, 'x'), "%25", "~!$&'()*+,;=:@"];

    [Theory]
    [MemberData(nameof(OddSegments))]
    public async Task OddPathSegments_AreNever5xx(string segment)
    {
        foreach (var template in new[]
        {
            "GET /v1/catalog/service/{0}", "GET /v1/health/service/{0}", "GET /v1/catalog/node/{0}", "GET /v1/config/service-defaults/{0}",
            "GET /v1/discovery-chain/{0}", "GET /v1/agent/service/{0}", "GET /v1/connect/ca/leaf/{0}", "GET /v1/agent/connect/ca/leaf/{0}",
            "PUT /v1/agent/service/deregister/{0}", "PUT /v1/agent/check/pass/{0}", "PUT /v1/agent/check/deregister/{0}",
            "DELETE /v1/config/service-defaults/{0}", "POST /v1/discovery-chain/{0}", "GET /v1/internal/ui/service-topology/{0}",
        })
        {
            var parts = template.Split(' ');
            var path = parts[1].Replace("{0}", segment, StringComparison.Ordinal);
            var result = await _server.SendAsync(new HttpMethod(parts[0]), path);
            Assert.True((int)result.Status < 500, $"{parts[0]} {path} gave {(int)result.Status}: {result.Body}");
        }
    }
}
