using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh config write FILE|-</c>: creates or replaces a config entry from JSON or HCL (<c>-cas -modify-index</c> for compare-and-set).</summary>
public sealed class ConfigWriteCommand : ICliCommand
{
    public string Name => "config write";

    public string Synopsis => "Create or update a centralized config entry";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = ConfigFlags.Cas(new FlagSet(Name));
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        if (rest.Count != 1)
        {
            throw new UsageException("Must provide exactly one positional argument to specify the config entry to write");
        }

        var (json, kind, entryName) = await ReadEntryAsync(rest[0], cancellationToken).ConfigureAwait(false);
        using var client = HttpApiClient.FromFlags(flags);
        var path = "/v1/config" + ConfigFlags.CasQuery(flags);
        string reply;
        try
        {
            reply = await client.PutAsync(path, json, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error writing config entry {kind}/{entryName}: {error.Message}");
        }

        if (reply.Trim() != "true")
        {
            await console.Error.WriteLineAsync($"Config entry not updated: {kind}/{entryName}").ConfigureAwait(false);
            return 1;
        }

        await console.Out.WriteLineAsync($"Config entry written: {kind}/{entryName}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>The file's JSON plus the kind and name it names (for messages; the server decides validity).</summary>
    private static async Task<(string Json, string Kind, string Name)> ReadEntryAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = path == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Failed to load data: {error.Message}");
        }

        JsonNode? parsed;
        try
        {
            parsed = JsonOrHclFile.Parse(path, text, Mesh.Hcl.HclListKeys.ConfigEntry);
        }
        catch (CliException error)
        {
            throw new CliException($"Failed to decode config entry input: {error.Message}");
        }

        var entry = parsed as JsonObject ?? throw new CliException("Failed to decode config entry input: expected an object");

        if (!Mesh.Hcl.HclDocument.LooksLikeJson(text))
        {
            text = entry.ToJsonString();
        }

        var kind = ConfigFlags.Field(entry, "Kind") ?? throw new CliException("Failed to decode config entry input: Payload does not contain a kind/Kind key at the top level");
        var name = ConfigFlags.Field(entry, "Name") ?? kind switch
        {
            "proxy-defaults" => "global",
            "mesh" => "mesh",
            _ => string.Empty,
        };
        return (text, kind, name);
    }
}

/// <summary><c>mesh config read -kind K -name N</c>: prints the entry as indented JSON.</summary>
public sealed class ConfigReadCommand : ICliCommand
{
    public string Name => "config read";

    public string Synopsis => "Read a centralized config entry";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = ConfigFlags.KindAndName(new FlagSet(Name), "read");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var (kind, entryName) = ConfigFlags.RequireKindAndName(flags);
        using var client = HttpApiClient.FromFlags(flags);
        string json;
        try
        {
            json = await client.GetAsync($"/v1/config/{Uri.EscapeDataString(kind)}/{Uri.EscapeDataString(entryName)}", cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error reading config entry \"{kind}\" / \"{entryName}\": {error.Message}");
        }

        await console.Out.WriteLineAsync(ConfigFlags.Indent(json)).ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh config list -kind K</c>: the names of the entries of a kind, one per line.</summary>
public sealed class ConfigListCommand : ICliCommand
{
    public string Name => "config list";

    public string Synopsis => "List centralized config entries of a given kind";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddString("kind", null, "The kind of configurations to list.");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var kind = flags.GetString("kind") is { Length: > 0 } k ? k : throw new UsageException("Must specify the -kind parameter");
        using var client = HttpApiClient.FromFlags(flags);
        string json;
        try
        {
            json = await client.GetAsync($"/v1/config/{Uri.EscapeDataString(kind)}", cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error listing config entries for kind \"{kind}\": {error.Message}");
        }

        using var document = JsonDocument.Parse(json);
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            await console.Out.WriteLineAsync(entry.GetProperty(JsonKeys.Name).GetString()).ConfigureAwait(false);
        }

        return 0;
    }
}

/// <summary><c>mesh config delete -kind K -name N [-cas -modify-index I]</c>.</summary>
public sealed class ConfigDeleteCommand : ICliCommand
{
    public string Name => "config delete";

    public string Synopsis => "Delete a centralized config entry";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = ConfigFlags.Cas(ConfigFlags.KindAndName(new FlagSet(Name), "delete"));
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var (kind, entryName) = ConfigFlags.RequireKindAndName(flags);
        using var client = HttpApiClient.FromFlags(flags);
        var path = $"/v1/config/{Uri.EscapeDataString(kind)}/{Uri.EscapeDataString(entryName)}{ConfigFlags.CasQuery(flags)}";
        string reply;
        try
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken).ConfigureAwait(false);
            reply = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error deleting config entry {kind}/{entryName}: {error.Message}");
        }

        if (flags.GetBool("cas") && reply.Trim() != "true")
        {
            await console.Error.WriteLineAsync($"Config entry not deleted: {kind}/{entryName}").ConfigureAwait(false);
            return 1;
        }

        await console.Out.WriteLineAsync($"Config entry deleted: {kind}/{entryName}").ConfigureAwait(false);
        return 0;
    }
}

/// <summary>Flags and helpers shared by the <c>mesh config</c> commands.</summary>
internal static class ConfigFlags
{
    public static FlagSet KindAndName(FlagSet flags, string verb)
        => flags.AddString("kind", null, $"The kind of configuration to {verb}.").AddString("name", null, $"The name of configuration to {verb}.");

    public static FlagSet Cas(FlagSet flags)
        => flags.AddBool("cas", "Perform a Check-And-Set operation; requires -modify-index")
            .AddString("modify-index", null, "The ModifyIndex of the config entry, used with -cas");

    public static (string Kind, string Name) RequireKindAndName(FlagSet flags)
    {
        var kind = flags.GetString("kind") is { Length: > 0 } k ? k : throw new UsageException("Must specify the -kind parameter");
        var name = flags.GetString("name") is { Length: > 0 } n ? n : throw new UsageException("Must specify the -name parameter");
        return (kind, name);
    }

    /// <summary><c>?cas=N</c> when <c>-cas</c> is set (index 0: the entry must not exist yet).</summary>
    public static string CasQuery(FlagSet flags)
    {
        if (!flags.GetBool("cas"))
        {
            return string.Empty;
        }

        var text = flags.GetString("modify-index") ?? "0";
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? $"?cas={index.ToString(CultureInfo.InvariantCulture)}"
            : throw new UsageException($"invalid value \"{text}\" for flag -modify-index: expected an unsigned integer");
    }

    /// <summary>A top-level string field, matched case-insensitively as Consul's decoder does.</summary>
    public static string? Field(JsonObject entry, string name)
        => entry.FirstOrDefault(pair => pair.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue value
           && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;

    /// <summary>Go's <c>json.MarshalIndent(v, "", "    ")</c> layout.</summary>
    public static string Indent(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 4 }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
