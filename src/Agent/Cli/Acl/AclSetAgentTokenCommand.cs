using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>
/// <c>mesh acl set-agent-token TYPE TOKEN</c>: <c>PUT /v1/agent/token/TYPE</c>, replacing one of the agent's own
/// tokens in memory (persisted only with <c>acl.enable_token_persistence</c>).
/// </summary>
public sealed class AclSetAgentTokenCommand : ICliCommand
{
    /// <summary>The CLI's type names (Consul's) and the API path each one writes.</summary>
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["default"] = "default",
        ["agent"] = "agent",
        ["recovery"] = "agent_recovery",
        ["agent_recovery"] = "agent_recovery",
        ["master"] = "agent_recovery",
        ["replication"] = "replication",
        ["config_file_service_registration"] = "config_file_service_registration",
        ["dns"] = "dns",
    };

    public string Name => "acl set-agent-token";

    public string Synopsis => "Sets one of the agent's ACL tokens (default, agent, recovery, replication, ...)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name, format: false);
        var rest = flags.Parse(args);
        if (rest.Count != 2)
        {
            throw new UsageException(rest.Count < 2 ? "Missing TYPE and TOKEN arguments" : $"Too many arguments (expected 2, got {rest.Count})");
        }

        var (type, secret) = (rest[0], rest[1]);
        if (!Types.TryGetValue(type, out var path))
        {
            throw new UsageException($"Unknown token type \"{type}\": use default, agent, recovery, replication, config_file_service_registration or dns");
        }

        if (secret is "-" or ['@', ..])
        {
            secret = (await AclCli.LoadDataSourceAsync(secret, "TOKEN", console, cancellationToken).ConfigureAwait(false)).Trim();
        }

        using var client = HttpApiClient.FromFlags(flags);
        await AclCli.CallAsync("Failed setting token", async () =>
            await client.PutAsync("/v1/agent/token/" + path, new JsonObject { ["Token"] = secret }.ToJsonString(), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"ACL token \"{type}\" set successfully").ConfigureAwait(false);
        return 0;
    }
}
