using System.Text.Json;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh join [-wan] address...</c>: asks the agent to join the cluster of each address.</summary>
public sealed class JoinCommand : ICliCommand
{
    public string Name => "join";

    public string Synopsis => "Tell the Mesh agent to join the cluster of another server";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddBool("wan", "Join over the WAN (not supported: one datacenter)");
        HttpApiClient.AddFlags(flags);
        var addresses = flags.Parse(args);
        if (addresses.Count == 0)
        {
            throw new UsageException("At least one address to join must be specified.");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var joined = 0;
        foreach (var address in addresses)
        {
            var path = $"/v1/agent/join/{Uri.EscapeDataString(address)}{(flags.GetBool("wan") ? "?wan=1" : string.Empty)}";
            using var response = await client.SendUncheckedAsync(new HttpRequestMessage(HttpMethod.Put, path), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                message = message.Trim();
                throw new CliException(message.StartsWith("Error joining address", StringComparison.Ordinal) ? message : $"Error joining address '{address}': {message}");
            }

            joined++;
        }

        await console.Out.WriteLineAsync($"Successfully joined cluster by contacting {joined} nodes.").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh leave</c>: the agent leaves the cluster gracefully and shuts down.</summary>
public sealed class LeaveCommand : ICliCommand
{
    public string Name => "leave";

    public string Synopsis => "Gracefully leaves the cluster and shuts down the agent";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        await client.PutAsync("/v1/agent/leave", null, cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync("Graceful leave complete").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh force-leave [-prune] node</c>: removes a server from the cluster (its Raft membership).</summary>
public sealed class ForceLeaveCommand : ICliCommand
{
    public string Name => "force-leave";

    public string Synopsis => "Forces a member of the cluster to leave (removes a failed server)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddBool("prune", "Remove the member entirely (always the case here)").AddBool("wan", "Ignored: one datacenter");
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        if (rest.Count != 1)
        {
            throw new UsageException($"A single node name must be specified to force leave (got {rest.Count})");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var query = flags.GetBool("prune") ? "?prune=1" : string.Empty;
        using var response = await client.SendUncheckedAsync(new HttpRequestMessage(HttpMethod.Put, $"/v1/agent/force-leave/{Uri.EscapeDataString(rest[0])}{query}"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new CliException($"Error force leaving: {message.Trim()}");
        }

        return 0;
    }
}

/// <summary><c>mesh reload</c>: the agent reads its configuration files again.</summary>
public sealed class ReloadCommand : ICliCommand
{
    public string Name => "reload";

    public string Synopsis => "Triggers the agent to reload its configuration files";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        using var response = await client.SendUncheckedAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/agent/reload"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new CliException($"Error reloading: {message.Trim()}");
        }

        await console.Out.WriteLineAsync("Configuration reload triggered").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh info</c>: the agent's stats (<c>/v1/agent/self</c> <c>Stats</c>), section by section as Consul prints them.</summary>
public sealed class InfoCommand : ICliCommand
{
    public string Name => "info";

    public string Synopsis => "Provides debugging information for operators";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        using var document = JsonDocument.Parse(await client.GetAsync("/v1/agent/self", cancellationToken).ConfigureAwait(false));
        if (!document.RootElement.TryGetProperty("Stats", out var stats) || stats.ValueKind != JsonValueKind.Object)
        {
            throw new CliException("The agent returned no Stats");
        }

        foreach (var section in stats.EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            await console.Out.WriteLineAsync($"{section.Name}:").ConfigureAwait(false);
            foreach (var entry in section.Value.EnumerateObject().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                await console.Out.WriteLineAsync($"\t{entry.Name} = {entry.Value.GetString()}").ConfigureAwait(false);
            }
        }

        return 0;
    }
}

/// <summary><c>mesh monitor [-log-level=info] [-log-json]</c>: streams the agent's logs until interrupted.</summary>
public sealed class MonitorCommand : ICliCommand
{
    public string Name => "monitor";

    public string Synopsis => "Stream logs from a Mesh agent";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddString("log-level", "info", "Log level: trace, debug, info, warn, err").AddBool("log-json", "Lines as JSON");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        var path = $"/v1/agent/monitor?loglevel={Uri.EscapeDataString(flags.GetString("log-level") ?? "info")}{(flags.GetBool("log-json") ? "&logjson" : string.Empty)}";
        using var response = await client.SendUncheckedAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new CliException($"Error starting monitor: {message.Trim()}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                await console.Out.WriteLineAsync(line).ConfigureAwait(false);
                await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // interrupted: the stream ends
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }
}

/// <summary><c>mesh catalog datacenters</c>: one datacenter per line.</summary>
public sealed class CatalogDatacentersCommand : ICliCommand
{
    public string Name => "catalog datacenters";

    public string Synopsis => "Lists all known datacenters";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        using var document = JsonDocument.Parse(await client.GetAsync("/v1/catalog/datacenters", cancellationToken).ConfigureAwait(false));
        foreach (var datacenter in document.RootElement.EnumerateArray())
        {
            await console.Out.WriteLineAsync(datacenter.GetString()).ConfigureAwait(false);
        }

        return 0;
    }
}
