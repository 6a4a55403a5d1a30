using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>Reading one role by <c>-id</c> (or unique prefix) or <c>-name</c>, and printing it.</summary>
internal static class AclRoleLookup
{
    public static FlagSet AddSelectors(FlagSet flags, string verb)
        => flags.AddString("id", null, $"The ID of the role to {verb} (a unique prefix is enough)")
            .AddString("name", null, $"The name of the role to {verb}");

    public static async Task<JsonObject> ReadAsync(HttpApiClient client, string? id, string? name, CancellationToken cancellationToken)
    {
        var path = !string.IsNullOrEmpty(id)
            ? "/v1/acl/role/" + Uri.EscapeDataString(await AclCli.ResolveIdAsync(client, "/v1/acl/roles", "ID", "role", id, cancellationToken).ConfigureAwait(false))
            : "/v1/acl/role/name/" + Uri.EscapeDataString(name!);
        return AclCli.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false), "role") as JsonObject
               ?? throw new CliException("The server sent a role that is not a JSON object");
    }

    public static async Task WriteAsync(CliConsole console, FlagSet flags, JsonNode role, string? heading = null)
    {
        if (AclCli.Json(flags))
        {
            await AclCli.WriteJsonAsync(console, role).ConfigureAwait(false);
            return;
        }

        if (heading is not null)
        {
            await console.Out.WriteLineAsync(heading).ConfigureAwait(false);
        }

        await console.Out.WriteAsync(AclFormat.Role(role, flags.GetBool("meta"))).ConfigureAwait(false);
    }

    public static void RequireSelector(FlagSet flags, string message)
    {
        if (string.IsNullOrEmpty(flags.GetString("id")) && string.IsNullOrEmpty(flags.GetString("name")))
        {
            throw new UsageException(message);
        }
    }
}

/// <summary><c>mesh acl role create -name N -policy-name P ...</c>: <c>PUT /v1/acl/role</c>.</summary>
public sealed class AclRoleCreateCommand : ICliCommand
{
    public string Name => "acl role create";

    public string Synopsis => "Creates an ACL role";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclLinkFlags.Add(AclCli.Flags(Name), roles: false).AddString("name", null, "The new role's name (required)");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var name = flags.GetString("name") ?? string.Empty;
        if (name.Length == 0)
        {
            throw new UsageException("Missing required '-name' flag");
        }

        var services = AclCli.ServiceIdentities(flags.GetStrings("service-identity"));
        var nodes = AclCli.NodeIdentities(flags.GetStrings("node-identity"));
        var templated = AclCli.TemplatedPolicies(flags.GetString("templated-policy"), flags.GetStrings("var"));
        if (!AclLinkFlags.AnyPolicy(flags) && services.Count == 0 && nodes.Count == 0 && templated.Count == 0)
        {
            throw new UsageException("Cannot create a role without specifying -policy-name, -policy-id, -service-identity, -node-identity, or -templated-policy at least once");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var role = await AclCli.CallAsync("Failed to create new role", async () =>
        {
            var body = new JsonObject
            {
                [AclCli.NameKey] = name,
                ["Description"] = flags.GetString("description") ?? string.Empty,
                ["Policies"] = await AclLinkFlags.PoliciesAsync(client, flags, cancellationToken).ConfigureAwait(false),
                ["ServiceIdentities"] = services,
                ["NodeIdentities"] = nodes,
                ["TemplatedPolicies"] = templated,
            };
            return AclCli.Parse(await client.PutAsync("/v1/acl/role", body.ToJsonString(), cancellationToken).ConfigureAwait(false), "role");
        }).ConfigureAwait(false);
        await AclRoleLookup.WriteAsync(console, flags, role).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl role read -id ID | -name N</c>.</summary>
public sealed class AclRoleReadCommand : ICliCommand
{
    public string Name => "acl role read";

    public string Synopsis => "Reads an ACL role";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclRoleLookup.AddSelectors(AclCli.Flags(Name), "read");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        AclRoleLookup.RequireSelector(flags, "Must specify either the -id or -name parameters");
        var (id, name) = (flags.GetString("id"), flags.GetString("name"));
        using var client = HttpApiClient.FromFlags(flags);
        var role = await AclCli.CallAsync($"Error reading role \"{(string.IsNullOrEmpty(id) ? name : id)}\"",
            () => AclRoleLookup.ReadAsync(client, id, name, cancellationToken)).ConfigureAwait(false);
        await AclRoleLookup.WriteAsync(console, flags, role).ConfigureAwait(false);
        return 0;
    }
}

/// <summary>
/// <c>mesh acl role update -id ID</c>: reads the role, changes what the flags give (links are added unless
/// <c>-no-merge</c>, which replaces every field), writes it back (<c>PUT /v1/acl/role/:id</c>).
/// </summary>
public sealed class AclRoleUpdateCommand : ICliCommand
{
    public string Name => "acl role update";

    public string Synopsis => "Updates an ACL role";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclLinkFlags.Add(AclCli.Flags(Name), roles: false)
            .AddString("id", null, "The ID of the role to update (a unique prefix is enough)")
            .AddString("name", null, "A new name for the role")
            .AddBool("no-merge", "Replace every field with the flags' values instead of adding to the role's");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var id = flags.GetString("id") ?? string.Empty;
        if (id.Length == 0)
        {
            throw new UsageException("Cannot update a role without specifying the -id parameter");
        }

        var services = AclCli.ServiceIdentities(flags.GetStrings("service-identity"));
        var nodes = AclCli.NodeIdentities(flags.GetStrings("node-identity"));
        var templated = AclCli.TemplatedPolicies(flags.GetString("templated-policy"), flags.GetStrings("var"));
        var noMerge = flags.GetBool("no-merge");
        using var client = HttpApiClient.FromFlags(flags);
        var updated = await AclCli.CallAsync($"Failed to update role {id}", async () =>
        {
            var role = await AclRoleLookup.ReadAsync(client, id, null, cancellationToken).ConfigureAwait(false);
            var roleId = role["ID"]?.ToString() ?? string.Empty;
            if (flags.GetString("name") is { Length: > 0 } name)
            {
                role[AclCli.NameKey] = name;
            }

            if (noMerge || flags.GetString("description") is not null)
            {
                role["Description"] = flags.GetString("description") ?? string.Empty;
            }

            var policies = await AclLinkFlags.PoliciesAsync(client, flags, cancellationToken).ConfigureAwait(false);
            if (noMerge)
            {
                role["Policies"] = policies;
                role["ServiceIdentities"] = services;
                role["NodeIdentities"] = nodes;
                role["TemplatedPolicies"] = templated;
            }
            else
            {
                AclLinkFlags.Merge(role, "Policies", policies, "ID", "Name");
                AclLinkFlags.Merge(role, "ServiceIdentities", services, "ServiceName");
                AclLinkFlags.Merge(role, "NodeIdentities", nodes);
                AclLinkFlags.Merge(role, "TemplatedPolicies", templated);
            }

            return AclCli.Parse(await client.PutAsync("/v1/acl/role/" + Uri.EscapeDataString(roleId), role.ToJsonString(), cancellationToken).ConfigureAwait(false), "role");
        }).ConfigureAwait(false);
        await AclRoleLookup.WriteAsync(console, flags, updated, AclCli.Json(flags) ? null : "Role updated successfully").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl role delete -id ID | -name N</c>: <c>DELETE /v1/acl/role/:id</c>.</summary>
public sealed class AclRoleDeleteCommand : ICliCommand
{
    public string Name => "acl role delete";

    public string Synopsis => "Deletes an ACL role";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclRoleLookup.AddSelectors(AclCli.Flags(Name, format: false), "delete");
        CliArgs.NoPositional(flags.Parse(args));
        AclRoleLookup.RequireSelector(flags, "Must specify either the -id or -name parameters");
        var (id, name) = (flags.GetString("id"), flags.GetString("name"));
        using var client = HttpApiClient.FromFlags(flags);
        var roleId = await AclCli.CallAsync($"Error deleting role \"{(string.IsNullOrEmpty(id) ? name : id)}\"", async () =>
        {
            var role = await AclRoleLookup.ReadAsync(client, id, name, cancellationToken).ConfigureAwait(false);
            var roleId = role["ID"]?.ToString() ?? string.Empty;
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/acl/role/" + Uri.EscapeDataString(roleId)), cancellationToken).ConfigureAwait(false);
            return roleId;
        }).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Role \"{roleId}\" deleted successfully").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl role list</c>: <c>GET /v1/acl/roles</c>.</summary>
public sealed class AclRoleListCommand : ICliCommand
{
    public string Name => "acl role list";

    public string Synopsis => "Lists ACL roles";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name);
        CliArgs.NoPositional(flags.Parse(args));
        var json = AclCli.Json(flags);
        using var client = HttpApiClient.FromFlags(flags);
        var roles = await AclCli.CallAsync("Failed to retrieve the role list", async () =>
            AclCli.Parse(await client.GetAsync("/v1/acl/roles", cancellationToken).ConfigureAwait(false), "role list")).ConfigureAwait(false);
        if (json)
        {
            await AclCli.WriteJsonAsync(console, roles).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteAsync(AclFormat.RoleList(roles as JsonArray ?? [], flags.GetBool("meta"))).ConfigureAwait(false);
        }

        return 0;
    }
}
