using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>The link flags <c>token create</c>, <c>token update</c> and <c>role create|update</c> share.</summary>
internal static class AclLinkFlags
{
    public static FlagSet Add(FlagSet flags, bool roles)
    {
        flags.AddList("policy-id", "ID (or unique ID prefix) of a policy to link (repeatable)")
            .AddList("policy-name", "Name of a policy to link (repeatable)")
            .AddList("service-identity", "A service identity, name or name:dc1,dc2 (repeatable)")
            .AddList("node-identity", "A node identity, name:datacenter (repeatable)")
            .AddString("templated-policy", null, "A templated policy to link, e.g. builtin/service")
            .AddList("var", "A variable of -templated-policy, key:value, e.g. name:web (repeatable)")
            .AddString("description", null, "A description");
        if (roles)
        {
            flags.AddList("role-id", "ID (or unique ID prefix) of a role to link (repeatable)")
                .AddList("role-name", "Name of a role to link (repeatable)");
        }

        return flags;
    }

    public static bool AnyPolicy(FlagSet flags) => flags.GetStrings("policy-id").Count > 0 || flags.GetStrings("policy-name").Count > 0;

    public static bool AnyRole(FlagSet flags) => flags.GetStrings("role-id").Count > 0 || flags.GetStrings("role-name").Count > 0;

    public static Task<JsonArray> PoliciesAsync(HttpApiClient client, FlagSet flags, CancellationToken cancellationToken)
        => AclCli.PolicyLinksAsync(client, flags.GetStrings("policy-id"), flags.GetStrings("policy-name"), cancellationToken);

    public static Task<JsonArray> RolesAsync(HttpApiClient client, FlagSet flags, CancellationToken cancellationToken)
        => AclCli.RoleLinksAsync(client, flags.GetStrings("role-id"), flags.GetStrings("role-name"), cancellationToken);

    /// <summary>Appends <paramref name="added"/> to the array at <paramref name="name"/>, skipping links already there (by ID or name).</summary>
    public static void Merge(JsonObject target, string name, JsonArray added, params string[] keys)
    {
        var existing = target[name] as JsonArray ?? [];
        var merged = new JsonArray([.. existing.Select(e => e?.DeepClone())]);
        foreach (var item in added)
        {
            var duplicate = keys.Any(key => item?[key] is JsonValue value && value.ToString().Length > 0
                && merged.Any(m => m?[key]?.ToString() == value.ToString()));
            if (!duplicate)
            {
                merged.Add(item?.DeepClone());
            }
        }

        target[name] = merged;
    }
}

/// <summary>Prints a token the way <c>-format</c> asks.</summary>
internal static class AclTokenOutput
{
    public static async Task WriteAsync(CliConsole console, FlagSet flags, JsonNode token, string? heading = null)
    {
        if (AclCli.Json(flags))
        {
            await AclCli.WriteJsonAsync(console, token).ConfigureAwait(false);
            return;
        }

        if (heading is not null)
        {
            await console.Out.WriteLineAsync(heading).ConfigureAwait(false);
        }

        await console.Out.WriteAsync(AclFormat.Token(token, flags.GetBool("meta"))).ConfigureAwait(false);
    }
}

/// <summary><c>mesh acl token create</c>: <c>PUT /v1/acl/token</c>.</summary>
public sealed class AclTokenCreateCommand : ICliCommand
{
    public string Name => "acl token create";

    public string Synopsis => "Creates an ACL token";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclLinkFlags.Add(AclCli.Flags(Name), roles: true)
            .AddBool("local", "Create the token local to this datacenter")
            .AddString("expires-ttl", null, "Duration until the token expires, e.g. 1h (Go duration syntax)")
            .AddString("accessor", null, "The AccessorID to use instead of a generated one (a UUID)")
            .AddString("secret", null, "The SecretID to use instead of a generated one (a UUID)");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var ttl = flags.GetString("expires-ttl");
        if (ttl is not null && !GoDuration.IsValid(ttl))
        {
            throw new UsageException($"invalid value \"{ttl}\" for flag -expires-ttl: time: invalid duration \"{ttl}\"");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var token = await AclCli.CallAsync("Failed to create new token", async () =>
        {
            var body = new JsonObject
            {
                ["Description"] = flags.GetString("description") ?? string.Empty,
                ["Local"] = flags.GetBool("local"),
                ["Policies"] = await AclLinkFlags.PoliciesAsync(client, flags, cancellationToken).ConfigureAwait(false),
                ["Roles"] = await AclLinkFlags.RolesAsync(client, flags, cancellationToken).ConfigureAwait(false),
                ["ServiceIdentities"] = AclCli.ServiceIdentities(flags.GetStrings("service-identity")),
                ["NodeIdentities"] = AclCli.NodeIdentities(flags.GetStrings("node-identity")),
                ["TemplatedPolicies"] = AclCli.TemplatedPolicies(flags.GetString("templated-policy"), flags.GetStrings("var")),
            };
            if (flags.GetString("accessor") is { Length: > 0 } accessor)
            {
                body["AccessorID"] = accessor;
            }

            if (flags.GetString("secret") is { Length: > 0 } secret)
            {
                body["SecretID"] = secret;
            }

            if (ttl is { Length: > 0 } && !GoDuration.IsZero(ttl))
            {
                body["ExpirationTTL"] = ttl;
            }

            return AclCli.Parse(await client.PutAsync("/v1/acl/token", body.ToJsonString(), cancellationToken).ConfigureAwait(false), "token");
        }).ConfigureAwait(false);
        await AclTokenOutput.WriteAsync(console, flags, token).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl token read -id ID | -self</c>: <c>GET /v1/acl/token/:id</c> or <c>/v1/acl/token/self</c>.</summary>
public sealed class AclTokenReadCommand : ICliCommand
{
    public string Name => "acl token read";

    public string Synopsis => "Reads an ACL token";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name)
            .AddString("id", null, "The AccessorID of the token (a unique prefix is enough; \"anonymous\" is the anonymous token)")
            .AddBool("self", "Read the token this command authenticates with (-token and the environment)")
            .AddBool("expanded", "Ask the server for the token's resolved policies and roles too (?expanded)");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var id = flags.GetString("id") ?? string.Empty;
        var self = flags.GetBool("self");
        if (self == id.Length > 0)
        {
            throw new UsageException(self ? "Cannot use both -id and -self" : "Must specify the -id parameter");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var token = await AclCli.CallAsync($"Error reading token \"{(self ? "self" : id)}\"", async () =>
        {
            var path = self ? "/v1/acl/token/self" : "/v1/acl/token/" + Uri.EscapeDataString(await AclCli.ResolveAccessorAsync(client, id, cancellationToken).ConfigureAwait(false));
            return AclCli.Parse(await client.GetAsync(path + (flags.GetBool("expanded") ? "?expanded=true" : string.Empty), cancellationToken).ConfigureAwait(false), "token");
        }).ConfigureAwait(false);
        await AclTokenOutput.WriteAsync(console, flags, token).ConfigureAwait(false);
        return 0;
    }
}

/// <summary>
/// <c>mesh acl token update -id ID</c>: reads the token, changes what the flags say, writes it back whole
/// (<c>PUT /v1/acl/token/:id</c>), as Consul's CLI. Link flags replace that kind of link unless a <c>-merge-*</c> or
/// <c>-append-*</c> flag asks to add.
/// </summary>
public sealed class AclTokenUpdateCommand : ICliCommand
{
    public string Name => "acl token update";

    public string Synopsis => "Updates an ACL token";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclLinkFlags.Add(AclCli.Flags(Name), roles: true)
            .AddString("id", null, "The AccessorID of the token to update (a unique prefix is enough)")
            .AddBool("merge-policies", "Add the given policies to the token's instead of replacing them")
            .AddBool("merge-roles", "Add the given roles to the token's instead of replacing them")
            .AddBool("merge-service-identities", "Add the given service identities instead of replacing them")
            .AddBool("merge-node-identities", "Add the given node identities instead of replacing them")
            .AddList("append-policy-id", "ID of a policy to add to the token's (repeatable)")
            .AddList("append-policy-name", "Name of a policy to add to the token's (repeatable)")
            .AddList("append-role-id", "ID of a role to add to the token's (repeatable)")
            .AddList("append-role-name", "Name of a role to add to the token's (repeatable)");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var id = flags.GetString("id") ?? string.Empty;
        if (id.Length == 0)
        {
            throw new UsageException("Cannot update a token without specifying the -id parameter");
        }

        var appendPolicies = flags.GetStrings("append-policy-id").Count > 0 || flags.GetStrings("append-policy-name").Count > 0;
        var appendRoles = flags.GetStrings("append-role-id").Count > 0 || flags.GetStrings("append-role-name").Count > 0;
        if (appendPolicies && AclLinkFlags.AnyPolicy(flags))
        {
            throw new UsageException("Cannot combine the use of policy-id/policy-name flags with append- variants. To set or overwrite existing policies, use -policy-id or -policy-name. To append to existing policies, use -append-policy-id or -append-policy-name.");
        }

        if (appendRoles && AclLinkFlags.AnyRole(flags))
        {
            throw new UsageException("Cannot combine the use of role-id/role-name flags with append- variants. To set or overwrite existing roles, use -role-id or -role-name. To append to existing roles, use -append-role-id or -append-role-name.");
        }

        var services = AclCli.ServiceIdentities(flags.GetStrings("service-identity"));
        var nodes = AclCli.NodeIdentities(flags.GetStrings("node-identity"));
        using var client = HttpApiClient.FromFlags(flags);
        var updated = await AclCli.CallAsync($"Failed to update token {id}", async () =>
        {
            var accessor = await AclCli.ResolveAccessorAsync(client, id, cancellationToken).ConfigureAwait(false);
            var path = "/v1/acl/token/" + Uri.EscapeDataString(accessor);
            if (AclCli.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false), "token") is not JsonObject token)
            {
                throw new CliException("The server sent a token that is not a JSON object");
            }

            if (flags.GetString("description") is { } description)
            {
                token["Description"] = description;
            }

            var policies = await AclLinkFlags.PoliciesAsync(client, flags, cancellationToken).ConfigureAwait(false);
            if (flags.GetBool("merge-policies"))
            {
                AclLinkFlags.Merge(token, "Policies", policies, "ID", "Name");
            }
            else if (AclLinkFlags.AnyPolicy(flags))
            {
                token["Policies"] = policies;
            }

            AclLinkFlags.Merge(token, "Policies", await AclCli.PolicyLinksAsync(client, flags.GetStrings("append-policy-id"), flags.GetStrings("append-policy-name"), cancellationToken).ConfigureAwait(false), "ID", "Name");
            var roles = await AclLinkFlags.RolesAsync(client, flags, cancellationToken).ConfigureAwait(false);
            if (flags.GetBool("merge-roles"))
            {
                AclLinkFlags.Merge(token, "Roles", roles, "ID", "Name");
            }
            else if (AclLinkFlags.AnyRole(flags))
            {
                token["Roles"] = roles;
            }

            AclLinkFlags.Merge(token, "Roles", await AclCli.RoleLinksAsync(client, flags.GetStrings("append-role-id"), flags.GetStrings("append-role-name"), cancellationToken).ConfigureAwait(false), "ID", "Name");
            if (flags.GetBool("merge-service-identities"))
            {
                AclLinkFlags.Merge(token, "ServiceIdentities", services, "ServiceName");
            }
            else if (services.Count > 0)
            {
                token["ServiceIdentities"] = services;
            }

            if (flags.GetBool("merge-node-identities"))
            {
                AclLinkFlags.Merge(token, "NodeIdentities", nodes);
            }
            else if (nodes.Count > 0)
            {
                token["NodeIdentities"] = nodes;
            }

            if (AclCli.TemplatedPolicies(flags.GetString("templated-policy"), flags.GetStrings("var")) is { Count: > 0 } templated)
            {
                token["TemplatedPolicies"] = templated;
            }

            return AclCli.Parse(await client.PutAsync(path, token.ToJsonString(), cancellationToken).ConfigureAwait(false), "token");
        }).ConfigureAwait(false);
        await AclTokenOutput.WriteAsync(console, flags, updated, AclCli.Json(flags) ? null : "Token updated successfully.").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl token clone -id ID [-description text]</c>: <c>PUT /v1/acl/token/:id/clone</c>.</summary>
public sealed class AclTokenCloneCommand : ICliCommand
{
    public string Name => "acl token clone";

    public string Synopsis => "Clones an ACL token (same links, new AccessorID and SecretID)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name)
            .AddString("id", null, "The AccessorID of the token to clone (a unique prefix is enough)")
            .AddString("description", null, "The description of the new token");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var id = flags.GetString("id") ?? string.Empty;
        if (id.Length == 0)
        {
            throw new UsageException("Cannot clone a token without specifying the -id parameter");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var token = await AclCli.CallAsync("Failed to clone token", async () =>
        {
            var accessor = await AclCli.ResolveAccessorAsync(client, id, cancellationToken).ConfigureAwait(false);
            var body = new JsonObject { ["Description"] = flags.GetString("description") ?? string.Empty };
            return AclCli.Parse(await client.PutAsync($"/v1/acl/token/{Uri.EscapeDataString(accessor)}/clone", body.ToJsonString(), cancellationToken).ConfigureAwait(false), "token");
        }).ConfigureAwait(false);
        await AclTokenOutput.WriteAsync(console, flags, token, AclCli.Json(flags) ? null : "Token cloned successfully.").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl token delete -id ID</c>: <c>DELETE /v1/acl/token/:id</c>.</summary>
public sealed class AclTokenDeleteCommand : ICliCommand
{
    public string Name => "acl token delete";

    public string Synopsis => "Deletes an ACL token";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name, format: false).AddString("id", null, "The AccessorID of the token to delete (a unique prefix is enough)");
        CliArgs.NoPositional(flags.Parse(args));
        var id = flags.GetString("id") ?? string.Empty;
        if (id.Length == 0)
        {
            throw new UsageException("Must specify the -id parameter");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var accessor = await AclCli.CallAsync($"Error deleting token \"{id}\"", async () =>
        {
            var accessor = await AclCli.ResolveAccessorAsync(client, id, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/acl/token/" + Uri.EscapeDataString(accessor)), cancellationToken).ConfigureAwait(false);
            return accessor;
        }).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Token \"{accessor}\" deleted successfully").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl token list</c>: <c>GET /v1/acl/tokens</c>.</summary>
public sealed class AclTokenListCommand : ICliCommand
{
    public string Name => "acl token list";

    public string Synopsis => "Lists ACL tokens";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name);
        CliArgs.NoPositional(flags.Parse(args));
        var json = AclCli.Json(flags);
        using var client = HttpApiClient.FromFlags(flags);
        var tokens = await AclCli.CallAsync("Failed to retrieve the token list", async () =>
            AclCli.Parse(await client.GetAsync("/v1/acl/tokens", cancellationToken).ConfigureAwait(false), "token list")).ConfigureAwait(false);
        if (json)
        {
            await AclCli.WriteJsonAsync(console, tokens).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteAsync(AclFormat.TokenList(tokens as JsonArray ?? [], flags.GetBool("meta"))).ConfigureAwait(false);
        }

        return 0;
    }
}
