using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Http;

/// <summary>
/// Takes a rich, valid body for each JSON write endpoint and replaces every field, one at a time, with values of every
/// other JSON type. Whatever the server decides, it must never answer 5xx, and a refusal must be plain text and leave
/// the store's rows unchanged (some refusals come from the state machine, after a log entry was used up, so the rows
/// are compared rather than the whole store).
/// </summary>
public sealed class TypeConfusionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] Replacements = ["\"text\"", "0", "-1", "70000", "1.5", "1e400", "true", "null", "[]", "[1]", "{}", "{\"x\":1}"];

    private readonly TestServer _server = fixture.Server;

    public static TheoryData<string, string> Bodies => new()
    {
        {
            "/v1/catalog/register",
            """
            {"Node":"fuzz-node","Address":"127.0.0.40","Datacenter":"dc1",
             "TaggedAddresses":{"lan":"127.0.0.40"},"NodeMeta":{"rack":"r1"},"SkipNodeUpdate":false,
             "Service":{"ID":"fuzz-1","Service":"fuzz","Kind":"","Tags":["a"],"Address":"127.0.0.41","Port":80,
                        "Meta":{"v":"1"},"Weights":{"Passing":2,"Warning":1},"EnableTagOverride":false,
                        "TaggedAddresses":{"lan":{"Address":"127.0.0.41","Port":80}},"Connect":{"Native":false}},
             "Checks":[{"CheckID":"fuzz-check","Name":"fuzz","Status":"passing","ServiceID":"fuzz-1","Notes":"n","Output":"o",
                        "Definition":{"HTTP":"http://127.0.0.41/health","Interval":"10s","Timeout":"1s","Header":{"X":["y"]}}}]}
            """
        },
        {
            "/v1/catalog/register",
            """
            {"Node":"fuzz-node","Address":"127.0.0.40",
             "Service":{"ID":"fuzz-proxy","Service":"fuzz-sidecar-proxy","Kind":"connect-proxy","Port":21000,
                        "Proxy":{"DestinationServiceName":"fuzz","DestinationServiceID":"fuzz-1","LocalServiceAddress":"127.0.0.1",
                                 "LocalServicePort":80,"Mode":"direct","Config":{"protocol":"http"},
                                 "Upstreams":[{"DestinationName":"db","DestinationType":"service","LocalBindPort":5432,"Config":{},"MeshGateway":{"Mode":"local"}}],
                                 "MeshGateway":{"Mode":"local"},"TransparentProxy":{"OutboundListenerPort":15001,"DialedDirectly":true},
                                 "Expose":{"Checks":true,"Paths":[{"ListenerPort":21500,"Path":"/health","LocalPathPort":80,"Protocol":"http"}]}}}}
            """
        },
        {
            "/v1/agent/service/register",
            """
            {"ID":"fuzz-agent","Name":"fuzz-agent","Tags":["a"],"Address":"127.0.0.1","Port":8080,"Meta":{"v":"1"},
             "EnableTagOverride":true,"Weights":{"Passing":1,"Warning":1},
             "Check":{"CheckID":"fuzz-agent-ttl","Name":"ttl","TTL":"10m","Status":"passing","Notes":"n"},
             "Checks":[{"Name":"second","TTL":"10m"}]}
            """
        },
        {
            "/v1/agent/check/register",
            """{"ID":"fuzz-check","Name":"fuzz","TTL":"10m","Status":"warning","Notes":"n","Output":"o"}"""
        },
        {
            "/v1/agent/check/update/fuzz-update",
            """{"Status":"passing","Output":"fine"}"""
        },
        {
            "/v1/catalog/deregister",
            """{"Node":"fuzz-gone","ServiceID":"nothing","Datacenter":"dc1"}"""
        },
    };

    /// <summary>Every (parent, key or index) position in the tree, as paths from the root.</summary>
    private static IEnumerable<object[]> Positions(JsonNode node, List<object> path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var next = new List<object>(path) { key };
                    yield return [.. next];
                    if (child is not null)
                    {
                        foreach (var deeper in Positions(child, next))
                        {
                            yield return deeper;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var next = new List<object>(path) { i };
                    yield return [.. next];
                    if (array[i] is { } child)
                    {
                        foreach (var deeper in Positions(child, next))
                        {
                            yield return deeper;
                        }
                    }
                }

                break;
        }
    }

    private static string Replace(string body, object[] position, string replacement)
    {
        var root = JsonNode.Parse(body)!;
        var parent = root;
        foreach (var step in position[..^1])
        {
            parent = step is string key ? parent[key]! : parent[(int)step]!;
        }

        var value = JsonNode.Parse(replacement);
        if (position[^1] is string last)
        {
            parent[last] = value;
        }
        else
        {
            parent[(int)position[^1]] = value;
        }

        return root.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Write_EveryFieldWithEveryJsonType_NeverServerErrorAndRefusalsChangeNothing(string path, string body)
    {
        await _server.PutOkAsync("/v1/agent/check/register", """{"ID":"fuzz-update","Name":"fuzz-update","TTL":"10m"}""");
        var problems = new List<string>();
        var tried = 0;
        foreach (var position in Positions(JsonNode.Parse(body)!, []))
        {
            foreach (var replacement in Replacements)
            {
                var mutated = Replace(body, position, replacement);
                var before = _server.DataDigest();
                var result = await _server.PutAsync(path, mutated);
                tried++;
                var where = $"{string.Join('.', position)} = {replacement}";
                if ((int)result.Status >= 500)
                {
                    problems.Add($"{where}: {(int)result.Status} {result.Body}");
                }
                else if (result.Status != HttpStatusCode.OK)
                {
                    if (result.ContentType != "text/plain" || result.Body.Length == 0)
                    {
                        problems.Add($"{where}: {(int)result.Status} without a plain-text message");
                    }

                    if (_server.DataDigest() != before)
                    {
                        problems.Add($"{where}: refused with {(int)result.Status} but the store changed");
                    }
                }
            }
        }

        Assert.True(tried > 20, $"only {tried} mutations generated");
        Assert.True(problems.Count == 0, $"{problems.Count} of {tried} mutations misbehaved:\n{string.Join('\n', problems.Take(40))}");
    }

    [Fact]
    public async Task Write_DeeplyNestedBody_Returns400()
    {
        var body = $$$"""{"Node":"deep","Address":"127.0.0.1","NodeMeta":{"k":{{{new string('[', 200)}}}{{{new string(']', 200)}}}}}""";

        await RejectionAssert.RejectedAsync(_server, HttpMethod.Put, "/v1/catalog/register", body, HttpStatusCode.BadRequest, "depth");
    }

    [Fact]
    public async Task Write_InvalidUtf8InString_DecodedWithReplacementCharacterAsGoDoes()
    {
        // Go's encoding/json does not reject invalid UTF-8 inside strings; it substitutes U+FFFD. So does Mesh.
        var node = Unique.Name("utf8");
        using var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes($"{{\"Node\":\"{node}-"), 0xC3, 0x28, .. "\",\"Address\":\"127.0.0.1\"}"u8.ToArray()]);
        using var response = await _server.Http.PutAsync("/v1/catalog/register", content);
        var result = await ApiResult.ReadAsync(response);

        result.ExpectOk();
        var names = (await _server.GetOkJsonAsync("/v1/catalog/nodes")).EnumerateArray().Select(n => n.GetProperty("Node").GetString());
        Assert.Contains($"{node}-\uFFFD(", names);
    }

    [Fact]
    public async Task Write_UnpairedSurrogateEscapeInString_DecodedWithReplacementCharacterAsGoDoes()
    {
        // Go turns an unpaired \uD800-\uDFFF escape in a string value into U+FFFD; only property names must be clean.
        var node = Unique.Name("surrogate");
        using var content = new StringContent($"{{\"Node\":\"{node}-\\udc00x\\u0041\",\"Address\":\"127.0.0.1\"}}");
        using var response = await _server.Http.PutAsync("/v1/catalog/register", content);
        var result = await ApiResult.ReadAsync(response);

        result.ExpectOk();
        var names = (await _server.GetOkJsonAsync("/v1/catalog/nodes")).EnumerateArray().Select(n => n.GetProperty("Node").GetString());
        Assert.Contains($"{node}-\uFFFDxA", names);
    }
}
