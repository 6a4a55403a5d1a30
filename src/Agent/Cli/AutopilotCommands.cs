using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Config.Durations;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh operator autopilot get-config</c>: the configuration as Consul prints it.</summary>
public sealed class AutopilotGetConfigCommand : ICliCommand
{
    public string Name => "operator autopilot get-config";

    public string Synopsis => "Displays the current Autopilot configuration";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddBool("stale", "Read from any server, even without a leader");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        var path = "/v1/operator/autopilot/configuration" + (flags.GetBool("stale") ? "?stale" : string.Empty);
        using var document = JsonDocument.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false));
        var c = document.RootElement;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"CleanupDeadServers = {Bool(c, "CleanupDeadServers")}\n")
            .Append(CultureInfo.InvariantCulture, $"LastContactThreshold = {c.GetProperty("LastContactThreshold").GetString()}\n")
            .Append(CultureInfo.InvariantCulture, $"MaxTrailingLogs = {c.GetProperty("MaxTrailingLogs").GetInt64()}\n")
            .Append(CultureInfo.InvariantCulture, $"MinQuorum = {c.GetProperty("MinQuorum").GetInt32()}\n")
            .Append(CultureInfo.InvariantCulture, $"ServerStabilizationTime = {c.GetProperty("ServerStabilizationTime").GetString()}\n")
            .Append(CultureInfo.InvariantCulture, $"RedundancyZoneTag = \"{c.GetProperty("RedundancyZoneTag").GetString()}\"\n")
            .Append(CultureInfo.InvariantCulture, $"DisableUpgradeMigration = {Bool(c, "DisableUpgradeMigration")}\n")
            .Append(CultureInfo.InvariantCulture, $"UpgradeVersionTag = \"{c.GetProperty("UpgradeVersionTag").GetString()}\"\n");
        await console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
        return 0;
    }

    private static string Bool(JsonElement element, string name) => element.GetProperty(name).GetBoolean() ? "true" : "false";
}

/// <summary>
/// <c>mesh operator autopilot set-config</c>: reads the configuration, changes the flags given and writes it back with
/// <c>?cas=</c> its ModifyIndex, as Consul's command does.
/// </summary>
public sealed class AutopilotSetConfigCommand : ICliCommand
{
    public string Name => "operator autopilot set-config";

    public string Synopsis => "Modifies the current Autopilot configuration";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddString("cleanup-dead-servers", null, "Controls whether dead servers are removed (true|false)")
            .AddString("max-trailing-logs", null, "Log entries a server may trail the leader by and stay healthy")
            .AddString("min-quorum", null, "Minimum number of servers autopilot keeps when pruning")
            .AddString("last-contact-threshold", null, "Longest time without leader contact for a healthy server")
            .AddString("server-stabilization-time", null, "Time a new server must be healthy before it is promoted")
            .AddString("redundancy-zone-tag", null, "Node metadata key for redundancy zones")
            .AddString("disable-upgrade-migration", null, "Disables automated upgrade migrations (true|false)")
            .AddString("upgrade-version-tag", null, "Node metadata key holding the version for upgrade migrations");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        var config = JsonNode.Parse(await client.GetAsync("/v1/operator/autopilot/configuration", cancellationToken).ConfigureAwait(false))!.AsObject();
        SetBool(flags, config, "cleanup-dead-servers", "CleanupDeadServers");
        SetBool(flags, config, "disable-upgrade-migration", "DisableUpgradeMigration");
        SetCount(flags, config, "max-trailing-logs", "MaxTrailingLogs");
        SetCount(flags, config, "min-quorum", "MinQuorum");
        SetDuration(flags, config, "last-contact-threshold", "LastContactThreshold");
        SetDuration(flags, config, "server-stabilization-time", "ServerStabilizationTime");
        if (flags.GetString("redundancy-zone-tag") is { } zone)
        {
            config["RedundancyZoneTag"] = zone;
        }

        if (flags.GetString("upgrade-version-tag") is { } tag)
        {
            config["UpgradeVersionTag"] = tag;
        }

        var cas = config["ModifyIndex"]!.GetValue<long>();
        var answer = await client.PutAsync($"/v1/operator/autopilot/configuration?cas={cas.ToString(CultureInfo.InvariantCulture)}", config.ToJsonString(), cancellationToken).ConfigureAwait(false);
        if (answer.Trim() != "true")
        {
            await console.Error.WriteLineAsync("Configuration could not be atomically updated, please try again").ConfigureAwait(false);
            return 1;
        }

        await console.Out.WriteLineAsync("Configuration updated!").ConfigureAwait(false);
        return 0;
    }

    private static void SetBool(FlagSet flags, JsonObject config, string flag, string field)
    {
        if (flags.GetString(flag) is { } raw)
        {
            config[field] = bool.TryParse(raw, out var value) ? value : throw new UsageException($"invalid boolean value \"{raw}\" for -{flag}");
        }
    }

    private static void SetCount(FlagSet flags, JsonObject config, string flag, string field)
    {
        if (flags.GetString(flag) is { } raw)
        {
            config[field] = uint.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new UsageException($"invalid value \"{raw}\" for -{flag}: must be a non-negative integer");
        }
    }

    private static void SetDuration(FlagSet flags, JsonObject config, string flag, string field)
    {
        if (flags.GetString(flag) is { } raw)
        {
            config[field] = GoDuration.TryParse(raw, out var value) && value >= TimeSpan.Zero
                ? GoDuration.Format(value)
                : throw new UsageException($"invalid duration \"{raw}\" for -{flag}");
        }
    }
}

/// <summary><c>mesh operator autopilot state [-format=pretty|json]</c>.</summary>
public sealed class AutopilotStateCommand : ICliCommand
{
    public string Name => "operator autopilot state";

    public string Synopsis => "Displays the current Autopilot state";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddString("format", "pretty", "Output format: pretty or json");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var format = flags.GetString("format");
        if (format is not ("pretty" or "json"))
        {
            throw new UsageException($"Invalid format \"{format}\": must be pretty or json");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var body = await client.GetAsync("/v1/operator/autopilot/state", cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        if (format == "json")
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 4 }))
            {
                document.RootElement.WriteTo(writer);
            }

            await console.Out.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
            return 0;
        }

        var state = document.RootElement;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Healthy:                      {state.GetProperty("Healthy").GetBoolean().ToString().ToLowerInvariant()}\n")
            .Append(CultureInfo.InvariantCulture, $"Failure Tolerance:            {state.GetProperty("FailureTolerance").GetInt32()}\n")
            .Append(CultureInfo.InvariantCulture, $"Optimistic Failure Tolerance: {state.GetProperty("OptimisticFailureTolerance").GetInt32()}\n")
            .Append(CultureInfo.InvariantCulture, $"Leader:                       {state.GetProperty("Leader").GetString()}\n")
            .Append("Voters:\n");
        foreach (var voter in state.GetProperty("Voters").EnumerateArray())
        {
            text.Append(CultureInfo.InvariantCulture, $"   {voter.GetString()}\n");
        }

        text.Append("\nServers:\n");
        foreach (var server in state.GetProperty("Servers").EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var s = server.Value;
            text.Append(CultureInfo.InvariantCulture, $"   {server.Name}\n")
                .Append(CultureInfo.InvariantCulture, $"      Name:            {s.GetProperty(JsonKeys.Name).GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Address:         {s.GetProperty("Address").GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Version:         {s.GetProperty("Version").GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Status:          {s.GetProperty("Status").GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Node Type:       {s.GetProperty("NodeType").GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Node Status:     {s.GetProperty("NodeStatus").GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Healthy:         {s.GetProperty("Healthy").GetBoolean().ToString().ToLowerInvariant()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Last Contact:    {s.GetProperty("LastContact").GetString()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Last Term:       {s.GetProperty("LastTerm").GetInt64()}\n")
                .Append(CultureInfo.InvariantCulture, $"      Last Index:      {s.GetProperty("LastIndex").GetInt64()}\n");
        }

        await console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh operator raft transfer-leader [-id=ID]</c>.</summary>
public sealed class RaftTransferLeaderCommand : ICliCommand
{
    public string Name => "operator raft transfer-leader";

    public string Synopsis => "Transfers Raft leadership to another server";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddString("id", null, "ID of the server to transfer leadership to");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var id = flags.GetString("id") ?? string.Empty;
        using var client = HttpApiClient.FromFlags(flags);
        var path = "/v1/operator/raft/transfer-leader" + (id.Length > 0 ? $"?id={Uri.EscapeDataString(id)}" : string.Empty);
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path), cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        if (!document.RootElement.GetProperty("Success").GetBoolean())
        {
            throw new CliException("leadership was not transferred");
        }

        await console.Out.WriteLineAsync("Success: true").ConfigureAwait(false);
        return 0;
    }
}
