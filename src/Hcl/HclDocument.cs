using System.Text.Json.Nodes;

namespace Mesh.Hcl;

/// <summary>
/// HCL1 (the configuration language of Consul's files) read into the JSON tree the same file would have as JSON, so
/// one decoder serves both. Blocks become objects; a block repeated under one key, or any block of a
/// <see cref="HclListKeys">list key</see>, becomes a list of objects; labelled blocks <c>service "web" { }</c> become
/// nested objects keyed by their labels (<c>{"service": {"web": {...}}}</c>), merged across blocks. A key assigned a
/// value twice is an error, as is anything that does not parse (<see cref="HclSyntaxException"/> with line:column).
/// </summary>
public static class HclDocument
{
    public static JsonObject Parse(string text, HclListKeys listKeys)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(listKeys);
        return ToObject(HclParser.ParseDocument(text), listKeys);
    }

    /// <summary>
    /// Whether a file's text is JSON rather than HCL: its first significant character opens a JSON object. HCL never
    /// starts with '{', so Consul-style files of either language are told apart without knowing their extension.
    /// </summary>
    public static bool LooksLikeJson(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c != '\uFEFF')
            {
                return c == '{';
            }
        }

        return false;
    }

    private static JsonObject ToObject(HclBody body, HclListKeys listKeys)
    {
        var groups = new List<(string Key, List<HclItem> Items)>();
        foreach (var item in body.Items)
        {
            var group = groups.FindIndex(g => g.Key == item.Key);
            if (group < 0)
            {
                groups.Add((item.Key, [item]));
            }
            else
            {
                groups[group].Items.Add(item);
            }
        }

        var result = new JsonObject();
        foreach (var (key, items) in groups)
        {
            result[key] = Group(key, items, listKeys);
        }

        return result;
    }

    private static JsonNode? Group(string key, List<HclItem> items, HclListKeys listKeys)
    {
        if (items.Count == 1 && items[0].Value is not HclBody)
        {
            return ToNode(items[0].Value, listKeys);
        }

        if (items.Exists(item => item.Value is not HclBody))
        {
            var repeated = items[1];
            throw new HclSyntaxException(HclSyntaxError.RepeatedKey, $"key \"{key}\" is given more than once (a value cannot be repeated or mixed with blocks)", repeated.KeyPosition);
        }

        if (items.TrueForAll(item => item.Labelled))
        {
            var merged = new HclBody([.. items.SelectMany(item => ((HclBody)item.Value).Items)], items[0].Value.Position);
            return ToObject(merged, listKeys);
        }

        if (items.Count == 1 && !listKeys.Contains(key))
        {
            return ToObject((HclBody)items[0].Value, listKeys);
        }

        return new JsonArray([.. items.Select(item => (JsonNode?)ToObject((HclBody)item.Value, listKeys))]);
    }

    private static JsonNode? ToNode(HclValue value, HclListKeys listKeys) => value switch
    {
        HclScalar scalar => scalar.Value,
        HclList list => new JsonArray([.. list.Items.Select(item => ToNode(item, listKeys))]),
        HclBody body => ToObject(body, listKeys),
        _ => throw new InvalidOperationException($"unknown HCL value {value.GetType().Name}"),
    };
}
