using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>Reading one policy by <c>-id</c> (or unique prefix) or <c>-name</c>, shared by read, update and delete.</summary>
internal static class AclPolicyLookup
{
    public static FlagSet AddSelectors(FlagSet flags, string verb)
        => flags.AddString("id", null, $"The ID of the policy to {verb} (a unique prefix is enough)")
            .AddString("name", null, $"The name of the policy to {verb}");

    public static async Task<JsonObject> ReadAsync(HttpApiClient client, string? id, string? name, CancellationToken cancellationToken)
    {
        var path = !string.IsNullOrEmpty(id)
            ? "/v1/acl/policy/" + Uri.EscapeDataString(await AclCli.ResolvePolicyIdAsync(client, id, cancellationToken).ConfigureAwait(false))
            : "/v1/acl/policy/name/" + Uri.EscapeDataString(name!);
        return AclCli.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false), "policy") as JsonObject
               ?? throw new CliException("The server sent a policy that is not a JSON object");
    }

    public static async Task WriteAsync(CliConsole console, FlagSet flags, JsonNode policy, string? heading = null)
    {
        if (AclCli.Json(flags))
        {
            await AclCli.WriteJsonAsync(console, policy).ConfigureAwait(false);
            return;
        }

        if (heading is not null)
        {
            await console.Out.WriteLineAsync(heading).ConfigureAwait(false);
        }

        await console.Out.WriteLineAsync(AclFormat.Policy(policy, flags.GetBool("meta"))).ConfigureAwait(false);
    }

    public static JsonArray Datacenters(IReadOnlyList<string> values) => new([.. values.Select(dc => (JsonNode?)JsonValue.Create(dc))]);
}

/// <summary><c>mesh acl policy create -name N [-rules @file|-|text]</c>: <c>PUT /v1/acl/policy</c>.</summary>
public sealed class AclPolicyCreateCommand : ICliCommand
{
    public string Name => "acl policy create";

    public string Synopsis => "Creates an ACL policy";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name)
            .AddString("name", null, "The new policy's name (required)")
            .AddString("description", null, "A description of the policy")
            .AddString("rules", null, "The policy rules (HCL or JSON): the text itself, @file to read a file, or - for standard input")
            .AddList("valid-datacenter", "A datacenter the policy is valid in (repeatable; default: all)");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var name = flags.GetString("name") ?? string.Empty;
        if (name.Length == 0)
        {
            throw new UsageException("Missing required '-name' flag");
        }

        var rules = flags.GetString("rules") is { } source
            ? await AclCli.LoadDataSourceAsync(source, "-rules", console, cancellationToken).ConfigureAwait(false)
            : string.Empty;
        using var client = HttpApiClient.FromFlags(flags);
        var policy = await AclCli.CallAsync("Failed to create new policy", async () =>
        {
            var body = new JsonObject
            {
                [AclCli.NameKey] = name,
                ["Description"] = flags.GetString("description") ?? string.Empty,
                ["Rules"] = rules,
                ["Datacenters"] = AclPolicyLookup.Datacenters(flags.GetStrings("valid-datacenter")),
            };
            return AclCli.Parse(await client.PutAsync("/v1/acl/policy", body.ToJsonString(), cancellationToken).ConfigureAwait(false), "policy");
        }).ConfigureAwait(false);
        await AclPolicyLookup.WriteAsync(console, flags, policy).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl policy read -id ID | -name N</c>.</summary>
public sealed class AclPolicyReadCommand : ICliCommand
{
    public string Name => "acl policy read";

    public string Synopsis => "Reads an ACL policy";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclPolicyLookup.AddSelectors(AclCli.Flags(Name), "read");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var (id, name) = (flags.GetString("id"), flags.GetString("name"));
        if (string.IsNullOrEmpty(id) && string.IsNullOrEmpty(name))
        {
            throw new UsageException("Must specify either the -id or -name parameters");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var policy = await AclCli.CallAsync($"Error reading policy \"{(string.IsNullOrEmpty(id) ? name : id)}\"",
            () => AclPolicyLookup.ReadAsync(client, id, name, cancellationToken)).ConfigureAwait(false);
        await AclPolicyLookup.WriteAsync(console, flags, policy).ConfigureAwait(false);
        return 0;
    }
}

/// <summary>
/// <c>mesh acl policy update -id ID | -name N</c>: reads the policy, changes what the flags give (all fields with
/// <c>-no-merge</c>), writes it back (<c>PUT /v1/acl/policy/:id</c>). With <c>-id</c>, <c>-name</c> renames.
/// </summary>
public sealed class AclPolicyUpdateCommand : ICliCommand
{
    public string Name => "acl policy update";

    public string Synopsis => "Updates an ACL policy";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name)
            .AddString("id", null, "The ID of the policy to update (a unique prefix is enough)")
            .AddString("name", null, "The policy's name: selects the policy without -id, renames it with -id")
            .AddString("description", null, "A description of the policy")
            .AddString("rules", null, "The policy rules: the text itself, @file, or - for standard input")
            .AddList("valid-datacenter", "A datacenter the policy is valid in (repeatable)")
            .AddBool("no-merge", "Replace every field with the flags' values instead of changing only those given");
        CliArgs.NoPositional(flags.Parse(args));
        _ = AclCli.Json(flags);
        var (id, name) = (flags.GetString("id"), flags.GetString("name"));
        if (string.IsNullOrEmpty(id) && string.IsNullOrEmpty(name))
        {
            throw new UsageException("Cannot update a policy without specifying the -id or -name parameter");
        }

        var rules = flags.GetString("rules") is { } source
            ? await AclCli.LoadDataSourceAsync(source, "-rules", console, cancellationToken).ConfigureAwait(false)
            : null;
        var noMerge = flags.GetBool("no-merge");
        using var client = HttpApiClient.FromFlags(flags);
        var updated = await AclCli.CallAsync($"Failed to update policy {(string.IsNullOrEmpty(id) ? name : id)}", async () =>
        {
            var policy = await AclPolicyLookup.ReadAsync(client, id, string.IsNullOrEmpty(id) ? name : null, cancellationToken).ConfigureAwait(false);
            var policyId = policy["ID"]?.ToString() ?? string.Empty;
            if (!string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(name))
            {
                policy[AclCli.NameKey] = name;
            }

            if (noMerge || flags.GetString("description") is not null)
            {
                policy["Description"] = flags.GetString("description") ?? string.Empty;
            }

            if (noMerge || rules is not null)
            {
                policy["Rules"] = rules ?? string.Empty;
            }

            if (noMerge || flags.GetStrings("valid-datacenter").Count > 0)
            {
                policy["Datacenters"] = AclPolicyLookup.Datacenters(flags.GetStrings("valid-datacenter"));
            }

            return AclCli.Parse(await client.PutAsync("/v1/acl/policy/" + Uri.EscapeDataString(policyId), policy.ToJsonString(), cancellationToken).ConfigureAwait(false), "policy");
        }).ConfigureAwait(false);
        await AclPolicyLookup.WriteAsync(console, flags, updated, AclCli.Json(flags) ? null : "Policy updated successfully").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl policy delete -id ID | -name N</c>: <c>DELETE /v1/acl/policy/:id</c>.</summary>
public sealed class AclPolicyDeleteCommand : ICliCommand
{
    public string Name => "acl policy delete";

    public string Synopsis => "Deletes an ACL policy";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclPolicyLookup.AddSelectors(AclCli.Flags(Name, format: false), "delete");
        CliArgs.NoPositional(flags.Parse(args));
        var (id, name) = (flags.GetString("id"), flags.GetString("name"));
        if (string.IsNullOrEmpty(id) && string.IsNullOrEmpty(name))
        {
            throw new UsageException("Must specify either the -id or -name parameters");
        }

        var shown = string.IsNullOrEmpty(id) ? name! : id;
        using var client = HttpApiClient.FromFlags(flags);
        var policyId = await AclCli.CallAsync($"Error deleting policy \"{shown}\"", async () =>
        {
            var policyId = !string.IsNullOrEmpty(id)
                ? await AclCli.ResolvePolicyIdAsync(client, id, cancellationToken).ConfigureAwait(false)
                : (await AclPolicyLookup.ReadAsync(client, null, name, cancellationToken).ConfigureAwait(false))["ID"]?.ToString() ?? string.Empty;
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/acl/policy/" + Uri.EscapeDataString(policyId)), cancellationToken).ConfigureAwait(false);
            return policyId;
        }).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Policy \"{policyId}\" deleted successfully").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh acl policy list</c>: <c>GET /v1/acl/policies</c>.</summary>
public sealed class AclPolicyListCommand : ICliCommand
{
    public string Name => "acl policy list";

    public string Synopsis => "Lists ACL policies";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name);
        CliArgs.NoPositional(flags.Parse(args));
        var json = AclCli.Json(flags);
        using var client = HttpApiClient.FromFlags(flags);
        var policies = await AclCli.CallAsync("Failed to retrieve the policy list", async () =>
            AclCli.Parse(await client.GetAsync("/v1/acl/policies", cancellationToken).ConfigureAwait(false), "policy list")).ConfigureAwait(false);
        if (json)
        {
            await AclCli.WriteJsonAsync(console, policies).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteAsync(AclFormat.PolicyList(policies as JsonArray ?? [], flags.GetBool("meta"))).ConfigureAwait(false);
        }

        return 0;
    }
}
