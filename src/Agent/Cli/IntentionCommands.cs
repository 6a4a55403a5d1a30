using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh intention create [-allow|-deny] [-replace] [-meta k=v] [-description D] SRC DST</c>, or
/// <c>-file FILE...</c> (each an intention's JSON, <c>-</c> for stdin): creates through <c>POST
/// /v1/connect/intentions</c>; with <c>-replace</c> an existing intention is updated by its ID, as Consul's command does.
/// </summary>
public sealed class IntentionCreateCommand : ICliCommand
{
    public string Name => "intention create";

    public string Synopsis => "Create intentions for service connections";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddBool("allow", "Create an intention that allows when matched (the default)")
            .AddBool("deny", "Create an intention that denies when matched")
            .AddBool("replace", "Replace an existing intention with the same source and destination")
            .AddBool("file", "Read intentions from the files given as arguments instead of SRC DST")
            .AddList("meta", "Metadata to set on the intention, as key=value (repeatable)")
            .AddString("description", null, "A description of the intention");
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        if (flags.GetBool("allow") && flags.GetBool("deny"))
        {
            throw new UsageException("Only one of -allow or -deny may be specified.");
        }

        var intentions = flags.GetBool("file")
            ? await FromFilesAsync(rest, console, cancellationToken).ConfigureAwait(false)
            : [FromFlags(flags, rest)];
        using var client = HttpApiClient.FromFlags(flags);
        foreach (var intention in intentions)
        {
            var source = intention["SourceName"]?.GetValue<string>() ?? string.Empty;
            var destination = intention["DestinationName"]?.GetValue<string>() ?? string.Empty;
            var described = $"{source} => {destination} ({intention["Action"]?.GetValue<string>() ?? "L7"})";
            var existing = await IntentionArgs.GetExactAsync(client, source, destination, cancellationToken).ConfigureAwait(false);
            if (existing is { } found && !flags.GetBool("replace"))
            {
                throw new CliException($"Error creating intention \"{described}\": duplicate intention found: {IntentionArgs.Describe(found)}");
            }

            try
            {
                if (existing is { } replaced)
                {
                    var id = IntentionArgs.Text(replaced, "ID");
                    await client.PutAsync($"/v1/connect/intentions/{Uri.EscapeDataString(id)}", intention.ToJsonString(), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, "/v1/connect/intentions")
                    {
                        Content = new StringContent(intention.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
                    };
                    using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (CliException error)
            {
                throw new CliException($"Error creating intention \"{described}\": {error.Message}");
            }

            await console.Out.WriteLineAsync($"Created: {described}").ConfigureAwait(false);
        }

        return 0;
    }

    private static JsonObject FromFlags(FlagSet flags, IReadOnlyList<string> rest)
    {
        var (source, destination) = IntentionArgs.Pair(rest, "Must specify two arguments: source and destination");
        var body = new JsonObject
        {
            ["SourceName"] = source,
            ["DestinationName"] = destination,
            ["SourceType"] = "consul",
            ["Action"] = flags.GetBool("deny") ? "deny" : "allow",
        };
        if (flags.GetString("description") is { Length: > 0 } description)
        {
            body["Description"] = description;
        }

        var meta = new JsonObject();
        foreach (var pair in flags.GetStrings("meta"))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"Invalid -meta \"{pair}\": must be key=value");
            }

            meta[pair[..equals]] = pair[(equals + 1)..];
        }

        if (meta.Count > 0)
        {
            body["Meta"] = meta;
        }

        return body;
    }

    private static async Task<List<JsonObject>> FromFilesAsync(IReadOnlyList<string> files, CliConsole console, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            throw new UsageException("Must specify at least one file with -file");
        }

        var intentions = new List<JsonObject>();
        foreach (var file in files)
        {
            string text;
            try
            {
                text = file == "-" ? await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"Error reading intention file \"{file}\": {error.Message}");
            }

            try
            {
                intentions.Add(JsonNode.Parse(text) as JsonObject ?? throw new CliException($"Error decoding intention file \"{file}\": not a JSON object"));
            }
            catch (JsonException error)
            {
                throw new CliException($"Error decoding intention file \"{file}\": {error.Message}");
            }
        }

        return intentions;
    }
}

/// <summary><c>mesh intention delete SRC DST</c> or <c>mesh intention delete ID</c>; a missing intention is an error.</summary>
public sealed class IntentionDeleteCommand : ICliCommand
{
    public string Name => "intention delete";

    public string Synopsis => "Delete an intention";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        using var client = HttpApiClient.FromFlags(flags);
        string path;
        if (rest.Count == 1)
        {
            path = $"/v1/connect/intentions/{Uri.EscapeDataString(rest[0])}";
        }
        else
        {
            var (source, destination) = IntentionArgs.Pair(rest, "command requires exactly 1 or 2 arguments: an intention ID, or src and dst");
            if (await IntentionArgs.GetExactAsync(client, source, destination, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new CliException($"Error deleting intention: intention with source \"{source}\" and destination \"{destination}\" not found");
            }

            path = IntentionArgs.ExactPath(source, destination);
        }

        try
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken).ConfigureAwait(false);
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

/// <summary><c>mesh intention get SRC DST</c> (or <c>ID</c>): the intention's fields, and its L7 permissions as JSON.</summary>
public sealed class IntentionGetCommand : ICliCommand
{
    public string Name => "intention get";

    public string Synopsis => "Show information about an intention";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        using var client = HttpApiClient.FromFlags(flags);
        JsonElement intention;
        if (rest.Count == 1)
        {
            intention = await IntentionArgs.GetByIdAsync(client, rest[0], cancellationToken).ConfigureAwait(false)
                        ?? throw new CliException($"intention with ID \"{rest[0]}\" not found.");
        }
        else
        {
            var (source, destination) = IntentionArgs.Pair(rest, "command requires exactly 1 or 2 arguments: an intention ID, or src and dst");
            intention = await IntentionArgs.GetExactAsync(client, source, destination, cancellationToken).ConfigureAwait(false)
                        ?? throw new CliException($"intention with source \"{source}\" and destination \"{destination}\" not found.");
        }

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

    /// <summary>The intention with this ID, or null when there is none.</summary>
    public static async Task<JsonElement?> GetByIdAsync(HttpApiClient client, string id, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/connect/intentions/{Uri.EscapeDataString(id)}"), cancellationToken).ConfigureAwait(false);
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
