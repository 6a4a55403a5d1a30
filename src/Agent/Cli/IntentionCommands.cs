using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh intention create [-allow|-deny] [-replace] SRC DST</c>: an L4 intention from SRC to DST (allow by default).</summary>
public sealed class IntentionCreateCommand : ICliCommand
{
    public string Name => "intention create";

    public string Synopsis => "Create intentions for service connections";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddBool("allow", "Create an intention that allows when matched (the default)")
            .AddBool("deny", "Create an intention that denies when matched")
            .AddBool("replace", "Replace an existing intention with the same source and destination");
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        if (flags.GetBool("allow") && flags.GetBool("deny"))
        {
            throw new UsageException("Only one of -allow or -deny may be specified.");
        }

        var (source, destination) = IntentionArgs.Pair(rest, "Must specify two arguments: source and destination");
        var action = flags.GetBool("deny") ? "deny" : "allow";
        var described = $"{source} => {destination} ({action})";
        using var client = HttpApiClient.FromFlags(flags);
        if (!flags.GetBool("replace") && await IntentionArgs.GetExactAsync(client, source, destination, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            throw new CliException($"Error creating intention \"{described}\": duplicate intention found: {IntentionArgs.Describe(existing)}");
        }

        var body = new JsonObject { ["SourceType"] = "consul", ["Action"] = action };
        try
        {
            await client.PutAsync(IntentionArgs.ExactPath(source, destination), body.ToJsonString(), cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error creating intention \"{described}\": {error.Message}");
        }

        await console.Out.WriteLineAsync($"Created: {described}").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh intention delete SRC DST</c>.</summary>
public sealed class IntentionDeleteCommand : ICliCommand
{
    public string Name => "intention delete";

    public string Synopsis => "Delete an intention";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        var (source, destination) = IntentionArgs.Pair(flags.Parse(args), "command requires exactly two arguments: src and dst");
        using var client = HttpApiClient.FromFlags(flags);
        try
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, IntentionArgs.ExactPath(source, destination)), cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error deleting intention: {error.Message}");
        }

        await console.Out.WriteLineAsync("Intention deleted.").ConfigureAwait(false);
        return 0;
    }
}

/// <summary>
/// <c>mesh intention check SRC DST</c>: prints Allowed or Denied. Exit codes as Consul's: 0 allowed, 1 denied,
/// 2 when the check itself failed.
/// </summary>
public sealed class IntentionCheckCommand : ICliCommand
{
    public const int Allowed = 0;
    public const int Denied = 1;
    public const int Failed = 2;

    public string Name => "intention check";

    public string Synopsis => "Check whether a connection between two services is allowed";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        try
        {
            var (source, destination) = IntentionArgs.Pair(flags.Parse(args), "command requires exactly two arguments: src and dst");
            using var client = HttpApiClient.FromFlags(flags);
            var path = $"/v1/connect/intentions/check?source={Uri.EscapeDataString(source)}&destination={Uri.EscapeDataString(destination)}";
            using var document = JsonDocument.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false));
            var allowed = document.RootElement.GetProperty("Allowed").GetBoolean();
            await console.Out.WriteLineAsync(allowed ? "Allowed" : "Denied").ConfigureAwait(false);
            return allowed ? Allowed : Denied;
        }
        catch (HelpRequestedException)
        {
            throw;
        }
        catch (Exception error) when (error is CliException or UsageException)
        {
            await console.Error.WriteLineAsync($"Error checking the connection: {error.Message}").ConfigureAwait(false);
            return Failed;
        }
    }
}

/// <summary><c>mesh intention get SRC DST</c>: the intention's fields, and its L7 permissions as JSON.</summary>
public sealed class IntentionGetCommand : ICliCommand
{
    public string Name => "intention get";

    public string Synopsis => "Show information about an intention";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        var (source, destination) = IntentionArgs.Pair(flags.Parse(args), "command requires exactly two arguments: src and dst");
        using var client = HttpApiClient.FromFlags(flags);
        var intention = await IntentionArgs.GetExactAsync(client, source, destination, cancellationToken).ConfigureAwait(false)
                        ?? throw new CliException($"Error: intention with source \"{source}\" and destination \"{destination}\" not found.");
        var rows = new List<string[]>
        {
            new[] { "Source:", IntentionArgs.Text(intention, "SourceName") },
            new[] { "Destination:", IntentionArgs.Text(intention, "DestinationName") },
        };
        foreach (var (label, field) in new[] { ("Action:", "Action"), ("ID:", "ID"), ("Description:", "Description") })
        {
            if (IntentionArgs.Text(intention, field) is { Length: > 0 } value)
            {
                rows.Add([label, value]);
            }
        }

        if (intention.TryGetProperty("Meta", out var meta))
        {
            rows.AddRange(meta.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new[] { $"Meta[{p.Name}]:", p.Value.GetString() ?? string.Empty }));
        }

        await CliTable.WriteAsync(console.Out, rows).ConfigureAwait(false);
        if (intention.TryGetProperty("Permissions", out var permissions))
        {
            await console.Out.WriteLineAsync("Permissions:\n" + ConfigFlags.Indent(permissions.GetRawText())).ConfigureAwait(false);
        }

        return 0;
    }
}

/// <summary><c>mesh intention list</c>: every intention, in evaluation order.</summary>
public sealed class IntentionListCommand : ICliCommand
{
    private static readonly string[] Header = ["ID", "Source", "Action", "Destination", "Precedence"];

    public string Name => "intention list";

    public string Synopsis => "List connect intentions";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        using var document = JsonDocument.Parse(await client.GetAsync("/v1/connect/intentions", cancellationToken).ConfigureAwait(false));
        if (document.RootElement.GetArrayLength() == 0)
        {
            await console.Error.WriteLineAsync("There are no intentions.").ConfigureAwait(false);
            return 2;
        }

        var rows = new List<string[]> { Header.ToArray() };
        rows.AddRange(document.RootElement.EnumerateArray().Select(intention => new[]
        {
            IntentionArgs.Text(intention, "ID"),
            IntentionArgs.Text(intention, "SourceName"),
            IntentionArgs.Text(intention, "Action"),
            IntentionArgs.Text(intention, "DestinationName"),
            intention.GetProperty("Precedence").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        await CliTable.WriteAsync(console.Out, rows).ConfigureAwait(false);
        return 0;
    }
}

/// <summary>Helpers shared by the <c>mesh intention</c> commands.</summary>
internal static class IntentionArgs
{
    public static (string Source, string Destination) Pair(IReadOnlyList<string> rest, string message)
        => rest.Count == 2 ? (rest[0], rest[1]) : throw new UsageException(message);

    public static string ExactPath(string source, string destination)
        => $"/v1/connect/intentions/exact?source={Uri.EscapeDataString(source)}&destination={Uri.EscapeDataString(destination)}";

    /// <summary>The intention with exactly this source and destination, or null when there is none.</summary>
    public static async Task<JsonElement?> GetExactAsync(HttpApiClient client, string source, string destination, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, ExactPath(source, destination)), cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error) when (error.Message.StartsWith($"Unexpected response code: {(int)HttpStatusCode.NotFound} ", StringComparison.Ordinal))
        {
            return null;
        }

        using (response)
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return document.RootElement.Clone();
        }
    }

    public static string Text(JsonElement intention, string field)
        => intention.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    /// <summary>Consul's <c>api.Intention.String()</c>: <c>web =&gt; db (allow)</c>.</summary>
    public static string Describe(JsonElement intention)
        => $"{Text(intention, "SourceName")} => {Text(intention, "DestinationName")} ({Text(intention, "Action")})";
}
