using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>
/// The text output of <c>mesh acl</c> commands, line for line as Consul's <c>prettyFormatter</c>s print tokens,
/// policies and roles (label, colon, values aligned in one column; links as <c>ID - Name</c>).
/// </summary>
internal static class AclFormat
{
    public static string Token(JsonNode token, bool meta)
    {
        var text = new StringBuilder();
        Line(text, 18, "AccessorID", Str(token, "AccessorID"));
        Line(text, 18, "SecretID", Str(token, "SecretID"));
        Line(text, 18, "Description", Str(token, "Description"));
        Line(text, 18, "Local", Bool(token, "Local"));
        if (Str(token, "AuthMethod") is { Length: > 0 } method)
        {
            Line(text, 18, "Auth Method", method);
        }

        Line(text, 18, "Create Time", GoTime(Str(token, "CreateTime")));
        if (Str(token, "ExpirationTime") is { Length: > 0 } expiry)
        {
            Line(text, 18, "Expiration Time", GoTime(expiry));
        }

        if (meta)
        {
            Meta(text, 18, token);
        }

        Links(text, string.Empty, "Policies", token["Policies"]);
        Links(text, string.Empty, "Roles", token["Roles"]);
        Identities(text, string.Empty, token);
        return text.ToString();
    }

    public static string TokenList(JsonArray tokens, bool meta)
        => string.Concat(tokens.Where(t => t is not null).Select(t => Token(t!, meta) + "\n"));

    public static string Policy(JsonNode policy, bool meta)
    {
        var text = new StringBuilder();
        Line(text, 14, "ID", Str(policy, "ID"));
        Line(text, 14, "Name", Str(policy, "Name"));
        Line(text, 14, "Description", Str(policy, "Description"));
        Line(text, 14, "Datacenters", string.Join(", ", Strings(policy["Datacenters"])));
        if (meta)
        {
            Meta(text, 14, policy);
        }

        text.Append("Rules:\n").Append(Str(policy, "Rules"));
        return text.ToString();
    }

    public static string PolicyList(JsonArray policies, bool meta)
    {
        var text = new StringBuilder();
        foreach (var policy in policies.Where(p => p is not null).Select(p => p!))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Str(policy, "Name")}:\n");
            Line(text, 14, "   ID", Str(policy, "ID"));
            Line(text, 14, "   Description", Str(policy, "Description"));
            Line(text, 14, "   Datacenters", string.Join(", ", Strings(policy["Datacenters"])));
            if (meta)
            {
                Meta(text, 14, policy, "   ");
            }
        }

        return text.ToString();
    }

    public static string Role(JsonNode role, bool meta)
    {
        var text = new StringBuilder();
        Line(text, 14, "ID", Str(role, "ID"));
        Line(text, 14, "Name", Str(role, "Name"));
        Line(text, 14, "Description", Str(role, "Description"));
        if (meta)
        {
            Meta(text, 14, role);
        }

        Links(text, string.Empty, "Policies", role["Policies"]);
        Identities(text, string.Empty, role);
        return text.ToString();
    }

    public static string RoleList(JsonArray roles, bool meta)
    {
        var text = new StringBuilder();
        foreach (var role in roles.Where(r => r is not null).Select(r => r!))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Str(role, "Name")}:\n");
            Line(text, 14, "   ID", Str(role, "ID"));
            Line(text, 14, "   Description", Str(role, "Description"));
            if (meta)
            {
                Meta(text, 14, role, "   ");
            }

            Links(text, "   ", "Policies", role["Policies"]);
            Identities(text, "   ", role);
        }

        return text.ToString();
    }

    /// <summary>
    /// Go's <c>time.Time</c> <c>%v</c> form (<c>2006-01-02 15:04:05.999999999 -0700 MST</c>) of an RFC 3339 time, as
    /// Consul's CLI prints CreateTime; text that is not RFC 3339 is printed unchanged.
    /// </summary>
    public static string GoTime(string value)
    {
        var t = value.IndexOf('T', StringComparison.Ordinal);
        if (t != 10)
        {
            return value;
        }

        var rest = value[(t + 1)..];
        var zoneAt = rest.IndexOfAny(['Z', 'z', '+', '-']);
        if (zoneAt < 8)
        {
            return value;
        }

        var clock = rest[..zoneAt];
        var dot = clock.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var fraction = clock[(dot + 1)..].TrimEnd('0');
            clock = fraction.Length == 0 ? clock[..dot] : clock[..(dot + 1)] + fraction;
        }

        var zone = rest[zoneAt..];
        var offset = zone is "Z" or "z" ? "+0000" : zone.Replace(":", string.Empty, StringComparison.Ordinal);
        var name = offset == "+0000" ? "UTC" : offset;
        return $"{value[..10]} {clock} {offset} {name}";
    }

    private static void Line(StringBuilder text, int width, string label, string value)
        => text.Append((label + ":").PadRight(width)).Append(value).Append('\n');

    private static void Meta(StringBuilder text, int width, JsonNode node, string indent = "")
    {
        Line(text, width, indent + "Hash", HashHex(Str(node, "Hash")));
        Line(text, width, indent + "Create Index", Number(node, "CreateIndex"));
        Line(text, width, indent + "Modify Index", Number(node, "ModifyIndex"));
    }

    private static void Links(StringBuilder text, string indent, string title, JsonNode? links)
    {
        if (links is not JsonArray { Count: > 0 } array)
        {
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"{indent}{title}:\n");
        foreach (var link in array.Where(l => l is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}   {Str(link!, "ID")} - {Str(link!, "Name")}\n");
        }
    }

    private static void Identities(StringBuilder text, string indent, JsonNode owner)
    {
        if (owner["ServiceIdentities"] is JsonArray { Count: > 0 } services)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}Service Identities:\n");
            foreach (var service in services.Where(s => s is not null))
            {
                var datacenters = Strings(service!["Datacenters"]);
                text.Append(CultureInfo.InvariantCulture, $"{indent}   {Str(service!, "ServiceName")} (Datacenters: {(datacenters.Count > 0 ? string.Join(", ", datacenters) : "all")})\n");
            }
        }

        if (owner["NodeIdentities"] is JsonArray { Count: > 0 } nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}Node Identities:\n");
            foreach (var node in nodes.Where(n => n is not null))
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}   {Str(node!, "NodeName")} (Datacenter: {Str(node!, "Datacenter")})\n");
            }
        }

        if (owner["TemplatedPolicies"] is JsonArray { Count: > 0 } templated)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}Templated Policies:\n");
            foreach (var policy in templated.Where(p => p is not null))
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}   {Str(policy!, "TemplateName")}\n");
                if (policy!["TemplateVariables"]?["Name"] is JsonValue name)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{indent}      Name: {name}\n");
                }

                var datacenters = Strings(policy["Datacenters"]);
                text.Append(CultureInfo.InvariantCulture, $"{indent}      Datacenters: {(datacenters.Count > 0 ? string.Join(", ", datacenters) : "all")}\n");
            }
        }
    }

    private static string Str(JsonNode node, string name)
        => node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;

    private static string Bool(JsonNode node, string name)
        => node[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag ? "true" : "false";

    private static string Number(JsonNode node, string name)
        => node[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number.ToString(CultureInfo.InvariantCulture) : "0";

    private static List<string> Strings(JsonNode? array)
        => array is JsonArray items ? [.. items.Select(i => i is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty)] : [];

    /// <summary>Go prints the hash (bytes, base64 in JSON) with <c>%x</c>: lowercase hex.</summary>
    private static string HashHex(string base64)
    {
        try
        {
            return Convert.ToHexStringLower(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return base64;
        }
    }
}
