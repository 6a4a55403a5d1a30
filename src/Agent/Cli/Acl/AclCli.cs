using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>What the <c>mesh acl</c> commands share: flags, output format, links and ID lookups, as Consul's <c>command/acl</c>.</summary>
internal static class AclCli
{
    public const string AnonymousAccessorId = "00000000-0000-0000-0000-000000000002";
    public const string ManagementPolicyId = "00000000-0000-0000-0000-000000000001";

    /// <summary>The JSON field "Name" (a constant, so analyzers do not mistake it for a property name).</summary>
    public const string NameKey = "Name";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static FlagSet Flags(string command, bool format = true)
    {
        var flags = new FlagSet(command);
        if (format)
        {
            flags.AddString("format", "pretty", "Output format: pretty or json")
                .AddBool("meta", "Also show the Hash, Create Index and Modify Index");
        }

        HttpApiClient.AddFlags(flags);
        return flags;
    }

    /// <summary>True for <c>-format=json</c>; a usage error for anything but pretty or json.</summary>
    public static bool Json(FlagSet flags)
        => flags.GetString("format") switch
        {
            "json" => true,
            "pretty" => false,
            var other => throw new UsageException($"Invalid format \"{other}\": must be \"pretty\" or \"json\""),
        };

    /// <summary>Prints a response as Consul's CLI does with <c>-format=json</c> (indented by four spaces).</summary>
    public static Task WriteJsonAsync(CliConsole console, JsonNode? node)
        => console.Out.WriteLineAsync(node?.ToJsonString(Indented) ?? "null");

    public static JsonNode Parse(string body, string what)
    {
        try
        {
            return JsonNode.Parse(body) ?? throw new CliException($"The server sent an empty {what}");
        }
        catch (JsonException error)
        {
            throw new CliException($"The server sent a {what} that is not JSON: {error.Message}");
        }
    }

    /// <summary>
    /// Consul's <c>LoadDataSource</c>: <c>@path</c> reads the file, <c>-</c> reads standard input, anything else is the
    /// value itself.
    /// </summary>
    public static async Task<string> LoadDataSourceAsync(string value, string flag, CliConsole console, CancellationToken cancellationToken)
    {
        if (value == "-")
        {
            return await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (value.StartsWith('@'))
        {
            var path = value[1..];
            try
            {
                return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UsageException($"Failed to read {flag} file \"{path}\": {error.Message}");
            }
        }

        return value;
    }

    /// <summary>Policy links from <c>-policy-id</c> and <c>-policy-name</c> (IDs may be unique prefixes, as in Consul).</summary>
    public static async Task<JsonArray> PolicyLinksAsync(HttpApiClient client, IReadOnlyList<string> ids, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var links = new JsonArray();
        foreach (var id in ids)
        {
            links.Add(new JsonObject { ["ID"] = await ResolvePolicyIdAsync(client, id, cancellationToken).ConfigureAwait(false) });
        }

        foreach (var name in names)
        {
            links.Add(new JsonObject { ["Name"] = name });
        }

        return links;
    }

    /// <summary>Role links from <c>-role-id</c> and <c>-role-name</c>.</summary>
    public static async Task<JsonArray> RoleLinksAsync(HttpApiClient client, IReadOnlyList<string> ids, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var links = new JsonArray();
        foreach (var id in ids)
        {
            links.Add(new JsonObject { ["ID"] = await ResolveIdAsync(client, "/v1/acl/roles", "ID", "role", id, cancellationToken).ConfigureAwait(false) });
        }

        foreach (var name in names)
        {
            links.Add(new JsonObject { ["Name"] = name });
        }

        return links;
    }

    /// <summary><c>-service-identity name[:dc1,dc2]</c>, repeatable.</summary>
    public static JsonArray ServiceIdentities(IReadOnlyList<string> values)
    {
        var identities = new JsonArray();
        foreach (var value in values)
        {
            var parts = value.Split(':');
            if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && parts[1].Length == 0))
            {
                throw new UsageException($"Malformed -service-identity argument: \"{value}\" (expected name or name:dc1,dc2)");
            }

            var identity = new JsonObject { ["ServiceName"] = parts[0] };
            if (parts.Length == 2)
            {
                identity["Datacenters"] = new JsonArray([.. parts[1].Split(',').Select(dc => (JsonNode?)JsonValue.Create(dc))]);
            }

            identities.Add(identity);
        }

        return identities;
    }

    /// <summary><c>-node-identity name:dc</c>, repeatable; the datacenter is required, as in Consul.</summary>
    public static JsonArray NodeIdentities(IReadOnlyList<string> values)
    {
        var identities = new JsonArray();
        foreach (var value in values)
        {
            var parts = value.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new UsageException($"Malformed -node-identity argument: \"{value}\" (expected name:datacenter)");
            }

            identities.Add(new JsonObject { ["NodeName"] = parts[0], ["Datacenter"] = parts[1] });
        }

        return identities;
    }

    /// <summary><c>-templated-policy name</c> with its <c>-var key:value</c> variables (only <c>name</c> exists today).</summary>
    public static JsonArray TemplatedPolicies(string? name, IReadOnlyList<string> variables)
    {
        var policies = new JsonArray();
        if (string.IsNullOrEmpty(name))
        {
            if (variables.Count > 0)
            {
                throw new UsageException("-var needs -templated-policy");
            }

            return policies;
        }

        var values = new JsonObject();
        foreach (var variable in variables)
        {
            var colon = variable.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"Malformed -var argument: \"{variable}\" (expected key:value)");
            }

            var key = variable[..colon];
            values[key.Equals("name", StringComparison.OrdinalIgnoreCase) ? "Name" : key] = variable[(colon + 1)..];
        }

        policies.Add(new JsonObject { ["TemplateName"] = name, ["TemplateVariables"] = values });
        return policies;
    }

    /// <summary>A policy ID from a unique prefix (or <c>global-management</c>), as Consul's <c>GetPolicyIDFromPartial</c>.</summary>
    public static Task<string> ResolvePolicyIdAsync(HttpApiClient client, string partial, CancellationToken cancellationToken)
        => partial == "global-management"
            ? Task.FromResult(ManagementPolicyId)
            : ResolveIdAsync(client, "/v1/acl/policies", "ID", "policy", partial, cancellationToken);

    /// <summary>A token accessor from a unique prefix (or <c>anonymous</c>), as Consul's <c>GetTokenAccessorIDFromPartial</c>.</summary>
    public static Task<string> ResolveAccessorAsync(HttpApiClient client, string partial, CancellationToken cancellationToken)
        => partial == "anonymous"
            ? Task.FromResult(AnonymousAccessorId)
            : ResolveIdAsync(client, "/v1/acl/tokens", "AccessorID", "token", partial, cancellationToken);

    /// <summary>A full ID is used as given; a shorter one must be the prefix of exactly one listed object.</summary>
    public static async Task<string> ResolveIdAsync(HttpApiClient client, string listPath, string field, string kind, string partial, CancellationToken cancellationToken)
    {
        if (partial.Length == 0)
        {
            throw new UsageException($"Empty {kind} ID");
        }

        if (partial.Length >= 36)
        {
            return partial;
        }

        using var document = JsonDocument.Parse(await client.GetAsync(listPath, cancellationToken).ConfigureAwait(false));
        var matches = document.RootElement.EnumerateArray()
            .Select(item => item.TryGetProperty(field, out var id) ? id.GetString() ?? string.Empty : string.Empty)
            .Where(id => id.StartsWith(partial, StringComparison.Ordinal))
            .ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException($"No such {kind} ID with prefix: {partial}"),
            _ => throw new CliException($"Supplied {kind} ID matches more than one {kind}"),
        };
    }

    /// <summary>Runs one call and prefixes a failure with Consul's wording for the action (<c>Failed to create new token: ...</c>).</summary>
    public static async Task<T> CallAsync<T>(string failure, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"{failure}: {error.Message}");
        }
    }
}
