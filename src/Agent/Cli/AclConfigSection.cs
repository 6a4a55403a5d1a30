using System.Text.Json;
using Mesh.Acl;
using Mesh.Acl.Authorization;

namespace Mesh.Agent.Cli;

/// <summary>
/// Consul's <c>acl</c> config block: <c>enabled</c>, <c>default_policy</c>, <c>down_policy</c>,
/// <c>enable_token_persistence</c> and <c>tokens { initial_management, agent, default, agent_recovery }</c>
/// (with the legacy names <c>master</c> and <c>agent_master</c>). Error messages never echo token values.
/// </summary>
internal static class AclConfigSection
{
    public static AclConfig Read(AclConfig acl, JsonElement block, string path, ICollection<string>? warnings = null)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("acl", path, "an object");
        }

        foreach (var setting in block.EnumerateObject())
        {
            var value = setting.Value;
            acl = setting.Name switch
            {
                "enabled" => acl with { Enabled = Bool(value, "acl.enabled", path) },
                "default_policy" => acl with
                {
                    DefaultPolicy = Text(value, "acl.default_policy", path) switch
                    {
                        "allow" => AclDefaultPolicy.Allow,
                        "deny" => AclDefaultPolicy.Deny,
                        _ => throw Invalid("acl.default_policy", path, "\"allow\" or \"deny\""),
                    },
                },
                "down_policy" => Text(value, "acl.down_policy", path) is var down && AclConfig.IsDownPolicy(down)
                    ? acl with { DownPolicy = down }
                    : throw Invalid("acl.down_policy", path, "\"allow\", \"deny\", \"extend-cache\" or \"async-cache\""),
                "enable_token_persistence" => acl with { EnableTokenPersistence = Bool(value, "acl.enable_token_persistence", path) },
                "tokens" => acl with { Tokens = ReadTokens(acl.Tokens, value, path, warnings) },
                _ => Unimplemented(acl, "acl." + setting.Name, path, warnings),
            };
        }

        return acl;
    }

    private static AclAgentTokens ReadTokens(AclAgentTokens tokens, JsonElement block, string path, ICollection<string>? warnings)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("acl.tokens", path, "an object");
        }

        foreach (var setting in block.EnumerateObject())
        {
            var key = "acl.tokens." + setting.Name;
            tokens = setting.Name switch
            {
                "initial_management" or "master" => tokens with { InitialManagement = Text(setting.Value, key, path) },
                "agent" => tokens with { Agent = Text(setting.Value, key, path) },
                "default" => tokens with { Default = Text(setting.Value, key, path) },
                "agent_recovery" or "agent_master" => tokens with { AgentRecovery = Text(setting.Value, key, path) },
                _ => Unimplemented(tokens, key, path, warnings),
            };
        }

        return tokens;
    }

    /// <summary>A key Mesh accepts without effect (recorded as a warning) or refuses (see <see cref="UnimplementedConfigKeys"/>).</summary>
    private static T Unimplemented<T>(T unchanged, string key, string path, ICollection<string>? warnings)
    {
        var warning = UnimplementedConfigKeys.WarningFor(key, path) ?? throw UnimplementedConfigKeys.Refusal(key, path);
        warnings?.Add(warning);
        return unchanged;
    }

    private static string Text(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(key, path, "a string");

    private static bool Bool(JsonElement value, string key, string path)
        => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(key, path, "true or false");

    private static UsageException Invalid(string key, string path, string expected)
        => new($"Error reading config file {path}: \"{key}\" must be {expected}");
}
