using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Agent.Hosting;
using Mesh.Config.Durations;

namespace Mesh.Agent.Cli;

/// <summary>
/// Config-file keys for script checks, service and check definitions and log output: <c>enable_script_checks</c>,
/// <c>enable_local_script_checks</c>, <c>check_output_max_size</c>, <c>service</c>, <c>services</c>, <c>check</c>,
/// <c>checks</c>, <c>log_json</c>, <c>log_file</c>, <c>log_rotate_bytes</c>, <c>log_rotate_duration</c> and
/// <c>log_rotate_max_files</c>. Returns null for any other key.
/// </summary>
public static class ChecksAndLogsConfigKeys
{
    /// <summary>Objects whose keys are user data (metadata, headers, tagged addresses), kept as written.</summary>
    private static readonly HashSet<string> VerbatimObjects = new(StringComparer.OrdinalIgnoreCase)
    {
        "meta", "header", "tagged_addresses", "taggedaddresses", "node_meta", "nodemeta", "config", "envoy_extensions",
    };

    public static AgentConfig? Apply(AgentConfig config, JsonProperty property, string path)
    {
        var value = property.Value;
        var log = config.LogOutput;
        return property.Name switch
        {
            "enable_script_checks" => config with { EnableScriptChecks = Bool(value, property.Name, path) },
            "enable_local_script_checks" => config with { EnableLocalScriptChecks = Bool(value, property.Name, path) },
            "check_output_max_size" => Int(value, property.Name, path) is var size and > 0
                ? config with { CheckOutputMaxSize = size }
                : throw Invalid(property.Name, path, "a positive integer"),
            "service" => config with { Services = [.. config.Services, .. OneOrMany(value, property.Name, path)] },
            "services" => config with { Services = [.. config.Services, .. Definitions(value, property.Name, path)] },
            "check" => config with { Checks = [.. config.Checks, .. OneOrMany(value, property.Name, path)] },
            "checks" => config with { Checks = [.. config.Checks, .. Definitions(value, property.Name, path)] },
            "log_json" => config with { LogOutput = log with { Json = Bool(value, property.Name, path) } },
            "log_file" => config with { LogOutput = log with { File = Text(value, property.Name, path) } },
            "log_rotate_bytes" => Int(value, property.Name, path) is var bytes and >= 0
                ? config with { LogOutput = log with { RotateBytes = bytes } }
                : throw Invalid(property.Name, path, "a non-negative integer"),
            "log_rotate_duration" => value.ValueKind == JsonValueKind.String && GoDuration.TryParse(value.GetString(), out var every) && every > TimeSpan.Zero
                ? config with { LogOutput = log with { RotateDuration = every } }
                : throw Invalid(property.Name, path, "a duration such as \"24h\""),
            "log_rotate_max_files" => config with { LogOutput = log with { RotateMaxFiles = Int(value, property.Name, path) } },
            _ => null,
        };
    }

    /// <summary><c>service</c> / <c>check</c>: one definition, or several (repeated HCL blocks decode to an array).</summary>
    private static List<string> OneOrMany(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.Array ? Definitions(value, key, path) : [Definition(value, key, path)];

    private static List<string> Definitions(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => Definition(item, key, path)).ToList()
            : throw Invalid(key, path, "an array of objects");

    /// <summary>
    /// A definition with Consul's config-file spelling (<c>service_id</c>, <c>deregister_critical_service_after</c>,
    /// <c>args</c>, ...) rewritten to the HTTP API's (matched case-insensitively): underscores are dropped from keys,
    /// except inside objects whose keys are the user's own.
    /// </summary>
    private static string Definition(JsonElement value, string key, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(key, path, "an object");
        }

        return Rewrite(JsonNode.Parse(value.GetRawText())!).ToJsonString();
    }

    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                var rewritten = new JsonObject();
                foreach (var (name, child) in obj.ToList())
                {
                    obj.Remove(name);
                    var apiName = name.Replace("_", string.Empty, StringComparison.Ordinal);
                    rewritten[apiName] = child is null ? null : VerbatimObjects.Contains(name) ? child : Rewrite(child);
                }

                return rewritten;
            case JsonArray array:
                var items = array.ToList();
                array.Clear();
                var copy = new JsonArray();
                foreach (var item in items)
                {
                    copy.Add(item is null ? null : Rewrite(item));
                }

                return copy;
            default:
                return node;
        }
    }

    private static string Text(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(key, path, "a string");

    private static bool Bool(JsonElement value, string key, string path)
        => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(key, path, "true or false");

    private static int Int(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw Invalid(key, path, "an integer");

    private static UsageException Invalid(string key, string path, string expected)
        => new($"Error reading config file {path}: \"{key}\" must be {expected}");
}
