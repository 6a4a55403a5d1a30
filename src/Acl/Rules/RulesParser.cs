using Mesh.Fsm.Model.Acl;
using Mesh.Hcl;

namespace Mesh.Acl.Rules;

/// <summary>
/// Reads a policy's <c>Rules</c> (HCL or JSON, parsed by the shared <see cref="HclParser"/>) into
/// <see cref="PolicyRules"/>, with Consul's resources and policy strings. An HCL block <c>service "web" { ... }</c>
/// and the JSON <c>"service": {"web": {...}}</c> have the same shape, so one reader interprets both. Every error is a
/// <see cref="RulesSyntaxException"/> naming the line and column.
/// </summary>
public static class RulesParser
{
    private static readonly Dictionary<string, (AclResource Resource, bool Prefix)> Named = new(StringComparer.Ordinal)
    {
        ["agent"] = (AclResource.Agent, false),
        ["agent_prefix"] = (AclResource.Agent, true),
        ["event"] = (AclResource.Event, false),
        ["event_prefix"] = (AclResource.Event, true),
        ["identity"] = (AclResource.Identity, false),
        ["identity_prefix"] = (AclResource.Identity, true),
        ["key"] = (AclResource.Key, false),
        ["key_prefix"] = (AclResource.Key, true),
        ["node"] = (AclResource.Node, false),
        ["node_prefix"] = (AclResource.Node, true),
        ["query"] = (AclResource.Query, false),
        ["query_prefix"] = (AclResource.Query, true),
        ["service"] = (AclResource.Service, false),
        ["service_prefix"] = (AclResource.Service, true),
        ["session"] = (AclResource.Session, false),
        ["session_prefix"] = (AclResource.Session, true),
    };

    private static readonly Dictionary<string, AclResource> Scalars = new(StringComparer.Ordinal)
    {
        ["acl"] = AclResource.Acl,
        ["keyring"] = AclResource.Keyring,
        ["mesh"] = AclResource.Mesh,
        ["operator"] = AclResource.Operator,
        ["peering"] = AclResource.Peering,
    };

    /// <summary>Parses rules text; empty text is an empty policy.</summary>
    public static PolicyRules Parse(string text)
    {
        if (text.Length > AclNames.MaxRulesLength)
        {
            throw new RulesSyntaxException($"rules are {text.Length} characters, more than the limit of {AclNames.MaxRulesLength}", 1, 1);
        }

        var document = RulesSyntax.Parse(text);
        var rules = new List<ResourceRule>();
        foreach (var entry in document.Items)
        {
            if (Scalars.TryGetValue(entry.Key, out var scalar))
            {
                rules.Add(new ResourceRule(scalar, null, false, Level(entry.Value, entry.Key, allowList: false)));
            }
            else if (Named.TryGetValue(entry.Key, out var named))
            {
                ReadNamed(entry, named.Resource, named.Prefix, rules);
            }
            else if (entry.Key is "partition" or "partition_prefix" or "namespace" or "namespace_prefix")
            {
                throw Error($"\"{entry.Key}\" rules are a Consul Enterprise feature and are not supported", entry.KeyPosition);
            }
            else
            {
                throw Error($"unknown resource \"{entry.Key}\" (expected acl, agent, agent_prefix, event, event_prefix, key, key_prefix, keyring, mesh, node, node_prefix, operator, peering, query, query_prefix, service, service_prefix, session or session_prefix)", entry.KeyPosition);
            }
        }

        return new PolicyRules(rules);
    }

    /// <summary>Whether the text parses; the error message names the line.</summary>
    public static bool TryParse(string text, out PolicyRules rules, out string? error)
    {
        try
        {
            rules = Parse(text);
            error = null;
            return true;
        }
        catch (RulesSyntaxException exception)
        {
            rules = PolicyRules.Empty;
            error = exception.Message;
            return false;
        }
    }

    /// <summary><c>service = { "web" = { policy = ... } }</c>, or a list of such objects (HCL's JSON form allows both).</summary>
    private static void ReadNamed(HclItem entry, AclResource resource, bool prefix, List<ResourceRule> rules)
    {
        var objects = entry.Value switch
        {
            HclBody single => [single],
            HclList list when list.Items.All(i => i is HclBody) => list.Items.Cast<HclBody>().ToList(),
            _ => throw Error($"\"{entry.Key}\" must be a block with a name, such as {entry.Key} \"web\" {{ policy = \"read\" }}", entry.Value.Position),
        };

        foreach (var labels in objects)
        {
            foreach (var labeled in labels.Items)
            {
                if (labeled.Value is not HclBody body)
                {
                    throw Error($"{entry.Key} \"{labeled.Key}\" must be a block such as {{ policy = \"read\" }}", labeled.Value.Position);
                }

                rules.Add(ReadBody(entry.Key, labeled.Key, body, resource, prefix));
            }
        }
    }

    private static ResourceRule ReadBody(string blockName, string label, HclBody body, AclResource resource, bool prefix)
    {
        var policy = AccessLevel.Default;
        var intentions = AccessLevel.Default;
        var allowList = resource == AclResource.Key;
        foreach (var setting in body.Items)
        {
            switch (setting.Key)
            {
                case "policy":
                    policy = Level(setting.Value, $"{blockName} \"{label}\" policy", allowList);
                    break;
                case "intentions" when resource == AclResource.Service:
                    intentions = Level(setting.Value, $"{blockName} \"{label}\" intentions", allowList: false);
                    break;
                case "sentinel":
                    // Enterprise Sentinel code policies: accepted and ignored, like Consul's OSS build.
                    break;
                default:
                    throw Error($"unknown setting \"{setting.Key}\" in {blockName} \"{label}\" (expected policy{(resource == AclResource.Service ? " or intentions" : string.Empty)})", setting.KeyPosition);
            }
        }

        if (policy == AccessLevel.Default && intentions == AccessLevel.Default)
        {
            throw Error($"{blockName} \"{label}\" has no policy", body.Position);
        }

        return new ResourceRule(resource, label, prefix, policy, intentions);
    }

    private static AccessLevel Level(HclValue value, string what, bool allowList)
    {
        var allowed = allowList ? "\"read\", \"write\", \"list\" or \"deny\"" : "\"read\", \"write\" or \"deny\"";
        if (value is HclScalar { Form: HclScalarForm.Heredoc })
        {
            throw Error($"Invalid {what}: heredoc strings are not supported in ACL rules (expected {allowed})", value.Position);
        }

        if (value is not HclScalar { Text: { } text })
        {
            throw Error($"Invalid {what}: expected {allowed}", value.Position);
        }

        if (!AccessLevels.TryParse(text, out var level) || (level == AccessLevel.List && !allowList))
        {
            throw Error($"Invalid {what}: \"{text}\" (expected {allowed})", value.Position);
        }

        return level;
    }

    private static RulesSyntaxException Error(string problem, HclPosition position) => new(problem, position.Line, position.Column);
}
