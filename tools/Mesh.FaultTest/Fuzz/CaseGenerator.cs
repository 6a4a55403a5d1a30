using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.FaultTest.Fuzz;

/// <summary>
/// Seeded, structure-aware request generator. Bodies start from a valid template; the JSON tree is mutated (drop,
/// retype, duplicate or rename members, huge numbers, odd strings, deep nesting, bad UTF-8 in values and property
/// names), then sometimes the bytes (truncation, stray bytes, BOM). Query strings and path segments get odd values.
/// Raw tokens JSON cannot express as a tree (1e400, bad bytes, duplicate keys) go in as placeholders replaced after
/// serialisation.
/// </summary>
public sealed class CaseGenerator
{
    private static readonly string[] QueryNames = ["dc", "token", "cas", "stale", "consistent", "filter", "ns", "partition", "replace-existing-checks", "pretty", "note", "source", "destination", "address", "id", "cached", "peer", "compile-dc", "by", "name", "tag", "wait"];
    private static readonly string[] QueryValues = ["", "abc", "-1", "0", "99999999999999999999999", "%ZZ", "%00", "%FF%FE", "true", "false", "1e3", "%C3%28", "%F0%9F%99%82", "a%26b", "..%2F..", "%22%7B%7D", "1h", "-5s", "Service.Meta.x ==", "(((", "web", "*", "default"];
    private static readonly string[] Segments = ["x", "%2F", "..", "%00", "a%2Fb", "%F0%9F%99%82", "%C3%28", "%FF", "web-1", "api-1", "service:", ":", "a%20b", "%25", "service-defaults", "service-defaults/", "/", "mesh/x/y", "unknown-kind/x"];

    private readonly Random _random;
    private readonly List<byte[]> _raw = [];
    private byte[]? _snapshot;

    public CaseGenerator(int seed)
    {
        _random = new Random(seed);
    }

    /// <summary>A valid operator snapshot of the server under test, the base for restore mutations.</summary>
    public void UseSnapshot(byte[] snapshot) => _snapshot = snapshot;

    public FuzzCase Next()
    {
        var template = EndpointTemplates.All[_random.Next(EndpointTemplates.All.Count)];
        var mutations = new List<string>();
        var path = template.Path;
        if (path.Contains("{id}", StringComparison.Ordinal))
        {
            var segment = template.Segments.Count > 0 && _random.Next(3) > 0 ? template.Segments[_random.Next(template.Segments.Count)] : Pick(Segments, mutations, "odd-segment");
            if (_random.Next(20) == 0)
            {
                segment = new string('s', _random.Next(256, 4096));
                mutations.Add("long-segment");
            }

            path = path.Replace("{id}", segment, StringComparison.Ordinal);
        }

        var query = Query(template, mutations);
        byte[]? body = null;
        if (template.Binary)
        {
            body = SnapshotBody(mutations);
        }
        else if (template.Bodies.Count > 0)
        {
            body = Body(template.Bodies[_random.Next(template.Bodies.Count)], mutations);
        }
        else if (template.Method != "GET" && _random.Next(6) == 0)
        {
            body = Encoding.UTF8.GetBytes("""{"unexpected":"body"}""");
            mutations.Add("body-where-none");
        }

        return new FuzzCase(template.Name, template.Method, path + query, body, mutations.Count == 0 ? "valid" : string.Join('+', mutations), template.IsWrite);
    }

    private string Pick(string[] pool, List<string> mutations, string name)
    {
        mutations.Add(name);
        return pool[_random.Next(pool.Length)];
    }

    private string Query(EndpointTemplate template, List<string> mutations)
    {
        var parts = new List<string>();
        if (template.Query.Count > 0 && _random.Next(4) > 0)
        {
            parts.Add(template.Query[_random.Next(template.Query.Count)]);
        }

        var odd = _random.Next(3) == 0 ? _random.Next(1, 4) : 0;
        for (var i = 0; i < odd; i++)
        {
            var name = QueryNames[_random.Next(QueryNames.Length)];
            if (template.Method == "GET" && name == "wait")
            {
                continue; // a blocking read would park for the whole wait
            }

            var value = QueryValues[_random.Next(QueryValues.Length)];
            parts.Add(_random.Next(5) == 0 ? name : $"{name}={value}");
            mutations.Add("odd-query");
        }

        switch (_random.Next(40))
        {
            case 0:
                parts.Add("=x");
                mutations.Add("empty-query-name");
                break;
            case 1:
                parts.Add("&&&");
                mutations.Add("stray-ampersands");
                break;
            case 2:
                parts.Add("dc=" + new string('d', 5000));
                mutations.Add("long-query");
                break;
            case 3 when parts.Count > 0:
                parts.Add(parts[0]);
                mutations.Add("duplicate-query");
                break;
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    private byte[] SnapshotBody(List<string> mutations)
    {
        if (_snapshot is null || _random.Next(4) == 0)
        {
            mutations.Add("random-bytes");
            var bytes = new byte[_random.Next(0, 2048)];
            _random.NextBytes(bytes);
            if (bytes.Length > 2 && _random.Next(2) == 0)
            {
                bytes[0] = 0x1f;
                bytes[1] = 0x8b; // a gzip header over garbage
            }

            return bytes;
        }

        var copy = (byte[])_snapshot.Clone();
        switch (_random.Next(3))
        {
            case 0:
                mutations.Add("truncated-snapshot");
                return copy[.._random.Next(copy.Length)];
            case 1:
                mutations.Add("flipped-snapshot");
                for (var i = 0; i < _random.Next(1, 4); i++)
                {
                    copy[_random.Next(10, copy.Length)] ^= (byte)_random.Next(1, 256);
                }

                return copy;
            default:
                mutations.Add("appended-snapshot");
                return [.. copy, .. Encoding.ASCII.GetBytes("trailing")];
        }
    }

    private byte[] Body(string template, List<string> mutations)
    {
        _raw.Clear();
        var root = JsonNode.Parse(template)!;
        var count = _random.Next(8) == 0 ? 0 : _random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            root = MutateTree(root, mutations);
        }

        var bytes = Serialize(root);
        if (_random.Next(8) == 0)
        {
            bytes = MutateBytes(bytes, mutations);
        }

        return bytes;
    }

    private JsonNode MutateTree(JsonNode root, List<string> mutations)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[_random.Next(nodes.Count)];
        switch (_random.Next(11))
        {
            case 0 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                mutations.Add("drop-member");
                return root;
            case 1 when target.Parent is not null:
                Replace(target, WrongType(mutations));
                return root;
            case 2 when target.Parent is not null:
                Replace(target, HugeNumber(mutations));
                return root;
            case 3 when target.Parent is not null:
                Replace(target, OddString(mutations));
                return root;
            case 4 when Objects(root) is { Count: > 0 } objects:
            {
                var obj = objects[_random.Next(objects.Count)];
                if (obj.Count > 0)
                {
                    var (name, value) = obj.ElementAt(_random.Next(obj.Count));
                    obj[Raw($"\"{name}\"")] = value?.DeepClone();
                    mutations.Add("duplicate-key");
                }

                return root;
            }

            case 5 when Objects(root) is { Count: > 0 } objects:
            {
                var obj = objects[_random.Next(objects.Count)];
                var name = _random.Next(3) switch
                {
                    0 => Raw([0x22, 0xff, 0xfe, (byte)'N', (byte)'a', (byte)'m', (byte)'e', 0x22]),
                    1 => Raw([0x22, (byte)'N', 0xc3, 0x28, 0x22]),
                    _ => Raw([0x22, 0xed, 0xa0, 0x80, 0x22]), // an encoded lone surrogate
                };
                obj[name] = 1;
                mutations.Add("bad-utf8-name");
                return root;
            }

            case 6 when target.Parent is not null:
                Replace(target, _random.Next(2) == 0 ? Raw([0x22, (byte)'v', 0xff, 0x80, 0x22]) : Raw("\"\\ud800x\""));
                mutations.Add("bad-utf8-value");
                return root;
            case 7 when target.Parent is not null:
            {
                var depth = _random.Next(2) == 0 ? _random.Next(60, 200) : _random.Next(1000, 20000);
                Replace(target, Raw(_random.Next(2) == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));
                mutations.Add("deep-nesting");
                return root;
            }

            case 8 when Objects(root) is { Count: > 0 } objects:
            {
                var obj = objects[_random.Next(objects.Count)];
                if (obj.Count > 0)
                {
                    var (name, value) = obj.ElementAt(_random.Next(obj.Count));
                    obj.Remove(name);
                    var renamed = _random.Next(3) switch
                    {
                        0 => name.ToLowerInvariant(),
                        1 => SnakeCase(name),
                        _ => name.ToUpperInvariant(),
                    };
                    if (!obj.ContainsKey(renamed))
                    {
                        obj[renamed] = value;
                    }

                    mutations.Add("renamed-member");
                }

                return root;
            }

            case 9 when Objects(root) is { Count: > 0 } objects:
                objects[_random.Next(objects.Count)]["Unknown" + _random.Next(100).ToString(CultureInfo.InvariantCulture)] = WrongType([]);
                mutations.Add("unknown-member");
                return root;
            default:
                mutations.Add("root-" + (_random.Next(4) switch { 0 => "array", 1 => "null", 2 => "string", _ => "empty-object" }));
                return mutations[^1] switch
                {
                    "root-array" => new JsonArray(root),
                    "root-null" => Raw("null"),
                    "root-string" => JsonValue.Create("text")!,
                    _ => new JsonObject(),
                };
        }
    }

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject obj:
                obj[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private JsonNode? WrongType(List<string> mutations)
    {
        mutations.Add("wrong-type");
        return _random.Next(8) switch
        {
            0 => null,
            1 => JsonValue.Create(true),
            2 => JsonValue.Create(-1),
            3 => JsonValue.Create(1.5),
            4 => new JsonArray(1, "two", null),
            5 => new JsonObject { ["a"] = 1 },
            6 => JsonValue.Create("text"),
            _ => new JsonArray(),
        };
    }

    private JsonNode HugeNumber(List<string> mutations)
    {
        mutations.Add("huge-number");
        string[] numbers = ["1e400", "-1e400", "123456789012345678901234567890", "-9223372036854775809", "9223372036854775808", "18446744073709551616", "4294967296", "-0", "1.0e-400", "0.000000000000000000000000000001", "2147483648", "65536", "-2147483649", "1E+2", "1" + new string('0', 400)];
        return Raw(numbers[_random.Next(numbers.Length)]);
    }

    private JsonValue? OddString(List<string> mutations)
    {
        mutations.Add("odd-string");
        return _random.Next(12) switch
        {
            0 => JsonValue.Create(string.Empty),
            1 => JsonValue.Create(new string('a', _random.Next(1000, 70000))),
            2 => JsonValue.Create("\u0000nul"),
            3 => JsonValue.Create("../../etc/passwd"),
            4 => JsonValue.Create("ü名🙂"),
            5 => JsonValue.Create("*"),
            6 => JsonValue.Create(" spaced "),
            7 => JsonValue.Create("a/b"),
            8 => JsonValue.Create("-1h"),
            9 => JsonValue.Create("9999999999999999h"),
            10 => JsonValue.Create("${env}"),
            _ => JsonValue.Create("Service.Meta.x == "),
        };
    }

    private byte[] MutateBytes(byte[] bytes, List<string> mutations)
    {
        switch (_random.Next(7))
        {
            case 0:
                mutations.Add("truncated");
                return bytes[.._random.Next(bytes.Length + 1)];
            case 1:
            {
                mutations.Add("stray-byte");
                var at = _random.Next(bytes.Length + 1);
                return [.. bytes[..at], (byte)_random.Next(256), .. bytes[at..]];
            }

            case 2:
                mutations.Add("bom");
                return [0xef, 0xbb, 0xbf, .. bytes];
            case 3:
                mutations.Add("trailing-garbage");
                return [.. bytes, .. "}{]"u8.ToArray()];
            case 4:
                mutations.Add("empty-body");
                return [];
            case 5:
            {
                mutations.Add("flipped-byte");
                var copy = (byte[])bytes.Clone();
                if (copy.Length > 0)
                {
                    copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return copy;
            }

            default:
                mutations.Add("whitespace-only");
                return " \n\t "u8.ToArray();
        }
    }

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, nodes);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, nodes);
                }

                break;
        }
    }

    private static List<JsonObject> Objects(JsonNode root)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        return [.. nodes.OfType<JsonObject>()];
    }

    private string Raw(string text) => RawPlaceholder(Encoding.UTF8.GetBytes(text));

    private string Raw(byte[] bytes) => RawPlaceholder(bytes);

    private string RawPlaceholder(byte[] bytes)
    {
        _raw.Add(bytes);
        return $"@@RAW{(_raw.Count - 1).ToString(CultureInfo.InvariantCulture)}@@";
    }

    private byte[] Serialize(JsonNode? root)
    {
        var text = root?.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";
        var output = new List<byte>(text.Length + 64);
        var position = 0;
        while (true)
        {
            var start = text.IndexOf("\"@@RAW", position, StringComparison.Ordinal);
            if (start < 0)
            {
                output.AddRange(Encoding.UTF8.GetBytes(text[position..]));
                break;
            }

            var end = text.IndexOf("@@\"", start + 6, StringComparison.Ordinal);
            output.AddRange(Encoding.UTF8.GetBytes(text[position..start]));
            var index = int.Parse(text[(start + 6)..end], CultureInfo.InvariantCulture);
            output.AddRange(_raw[index]);
            position = end + 3;
        }

        return [.. output];
    }
}
