using System.Text.Json;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh members</c>: the servers of the cluster and whether they are alive.</summary>
public sealed class MembersCommand : ICliCommand
{
    private static readonly string[] Header = ["Node", "Address", "Status", "Type", "Build", "Protocol", "DC"];

    public string Name => "members";

    public string Synopsis => "Lists the servers of the cluster";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddBool("detailed", "Show all tags")
            .AddString("status", ".*", "Only members whose status matches this regular expression (alive, failed, left)");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        System.Text.RegularExpressions.Regex status;
        try
        {
            status = new System.Text.RegularExpressions.Regex(flags.GetString("status") ?? ".*", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException error)
        {
            throw new UsageException($"Failed to compile status regexp: {error.Message}");
        }

        var detailed = flags.GetBool("detailed");
        using var client = HttpApiClient.FromFlags(flags);
        using var document = JsonDocument.Parse(await client.GetAsync("/v1/agent/members", cancellationToken).ConfigureAwait(false));
        var rows = new List<string[]> { detailed ? ["Node", "Address", "Status", "Tags"] : Header.ToArray() };
        foreach (var member in document.RootElement.EnumerateArray())
        {
            var tags = member.GetProperty("Tags");
            var state = member.GetProperty("Status").GetInt32() switch { 1 => "alive", 2 => "leaving", 3 => "left", 4 => "failed", _ => "unknown" };
            if (!status.IsMatch(state))
            {
                continue;
            }

            var name = member.GetProperty(JsonKeys.Name).GetString()!;
            var address = $"{member.GetProperty("Addr").GetString()}:{member.GetProperty("Port").GetInt32()}";
            if (detailed)
            {
                rows.Add([name, address, state, string.Join(',', tags.EnumerateObject().OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => $"{t.Name}={t.Value.GetString()}"))]);
                continue;
            }

            rows.Add([
                name,
                address,
                state,
                "server",
                tags.TryGetProperty("build", out var build) ? build.GetString()! : string.Empty,
                "2",
                tags.TryGetProperty("dc", out var dc) ? dc.GetString()! : string.Empty,
            ]);
        }

        if (rows.Count == 1)
        {
            return 2; // Consul exits 2 when no member matches
        }

        await CliTable.WriteAsync(console.Out, rows).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh operator raft list-peers</c>.</summary>
public sealed class RaftListPeersCommand : ICliCommand
{
    private static readonly string[] Header = ["Node", "ID", "Address", "State", "Voter", "RaftProtocol", "Commit Index"];

    public string Name => "operator raft list-peers";

    public string Synopsis => "Displays the current Raft peer configuration";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddBool("stale", "Read from any server, even without a leader");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        var path = "/v1/operator/raft/configuration" + (flags.GetBool("stale") ? "?stale" : string.Empty);
        using var document = JsonDocument.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false));
        var rows = new List<string[]> { Header.ToArray() };
        foreach (var server in document.RootElement.GetProperty("Servers").EnumerateArray())
        {
            rows.Add([
                server.GetProperty("Node").GetString()!,
                server.GetProperty("ID").GetString()!,
                server.GetProperty("Address").GetString()!,
                server.GetProperty("Leader").GetBoolean() ? "leader" : "follower",
                server.GetProperty("Voter").GetBoolean() ? "true" : "false",
                server.GetProperty("ProtocolVersion").GetString()!,
                server.GetProperty("LastIndex").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ]);
        }

        await CliTable.WriteAsync(console.Out, rows).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh operator raft remove-peer -id=ID | -address=IP:PORT</c>.</summary>
public sealed class RaftRemovePeerCommand : ICliCommand
{
    public string Name => "operator raft remove-peer";

    public string Synopsis => "Removes a server from the Raft configuration";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddString("id", null, "ID of the server to remove")
            .AddString("address", null, "Server address (ip:port) of the server to remove");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var id = flags.GetString("id") ?? string.Empty;
        var address = flags.GetString("address") ?? string.Empty;
        if (id.Length > 0 == address.Length > 0)
        {
            throw new UsageException("Give exactly one of -id or -address");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var query = id.Length > 0 ? $"id={Uri.EscapeDataString(id)}" : $"address={Uri.EscapeDataString(address)}";
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/v1/operator/raft/peer?{query}"), cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Removed peer with {(id.Length > 0 ? "id \"" + id : "address \"" + address)}\"").ConfigureAwait(false);
        return 0;
    }
}
