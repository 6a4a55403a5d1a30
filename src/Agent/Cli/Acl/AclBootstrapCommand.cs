using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli.Acl;

/// <summary>
/// <c>mesh acl bootstrap [SECRET_FILE]</c>: <c>PUT /v1/acl/bootstrap</c>, printing the initial management token. As in
/// Consul 1.15+, an optional file (or <c>-</c> for stdin) supplies the SecretID to use.
/// </summary>
public sealed class AclBootstrapCommand : ICliCommand
{
    public string Name => "acl bootstrap";

    public string Synopsis => "Bootstraps the ACL system and prints the initial management token";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = AclCli.Flags(Name);
        var rest = flags.Parse(args);
        if (rest.Count > 1)
        {
            throw new UsageException($"Too many arguments (expected 0 or 1, got {rest.Count})");
        }

        var json = AclCli.Json(flags);
        using var client = HttpApiClient.FromFlags(flags);
        var body = rest.Count == 1
            ? new JsonObject { ["BootstrapSecret"] = (await AclCli.LoadDataSourceAsync(rest[0] == "-" ? "-" : "@" + rest[0], "secret", console, cancellationToken).ConfigureAwait(false)).Trim() }.ToJsonString()
            : null;
        var token = await AclCli.CallAsync("Failed ACL bootstrapping", async () =>
            AclCli.Parse(await client.PutAsync("/v1/acl/bootstrap", body, cancellationToken).ConfigureAwait(false), "token")).ConfigureAwait(false);
        if (json)
        {
            await AclCli.WriteJsonAsync(console, token).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteAsync(AclFormat.Token(token, flags.GetBool("meta"))).ConfigureAwait(false);
        }

        return 0;
    }
}
