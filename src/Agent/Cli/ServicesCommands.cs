using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh services register</c>: registers a service on the server's node, from a JSON file
/// (<c>{"Service": {...}}</c> or <c>{"Services": [...]}</c>) or from flags (<c>-name -id -address -port -tag -meta</c>).
/// </summary>
public sealed class ServicesRegisterCommand : ICliCommand
{
    public string Name => "services register";

    public string Synopsis => "Registers services with the local agent";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddString("name", null, "Service name (with flags instead of a file)")
            .AddString("id", null, "Service ID (default: the name)")
            .AddString("address", null, "Service address")
            .AddInt("port", 0, "Service port")
            .AddString("kind", null, "Service kind")
            .AddList("tag", "Tag; repeatable")
            .AddList("meta", "Metadata as key=value; repeatable");
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        var definitions = new List<JsonObject>();
        if (flags.GetString("name") is { Length: > 0 } name)
        {
            if (rest.Count > 0)
            {
                throw new UsageException("Give either a file or -name, not both");
            }

            definitions.Add(FromFlags(flags, name));
        }
        else if (rest.Count == 1)
        {
            definitions.AddRange(await ServiceFile.ReadAsync(rest[0], cancellationToken).ConfigureAwait(false));
        }
        else
        {
            throw new UsageException(rest.Count == 0 ? "Give a service definition file or -name" : "Only one file may be given");
        }

        using var client = HttpApiClient.FromFlags(flags);
        foreach (var definition in definitions)
        {
            await client.PutAsync("/v1/agent/service/register", definition.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var serviceName = definition[JsonKeys.Name]?.GetValue<string>() ?? definition["name"]?.GetValue<string>() ?? "?";
            await console.Out.WriteLineAsync($"Registered service: {serviceName}").ConfigureAwait(false);
        }

        return 0;
    }

    private static JsonObject FromFlags(FlagSet flags, string name)
    {
        var definition = new JsonObject { [JsonKeys.Name] = name };
        if (flags.GetString("id") is { Length: > 0 } id)
        {
            definition["ID"] = id;
        }

        if (flags.GetString("address") is { Length: > 0 } address)
        {
            definition["Address"] = address;
        }

        if (flags.GetString("kind") is { Length: > 0 } kind)
        {
            definition["Kind"] = kind;
        }

        if (flags.IsSet("port"))
        {
            definition["Port"] = flags.GetInt("port");
        }

        if (flags.GetStrings("tag").Count > 0)
        {
            definition["Tags"] = new JsonArray([.. flags.GetStrings("tag").Select(t => (JsonNode?)t)]);
        }

        if (flags.GetStrings("meta").Count > 0)
        {
            var meta = new JsonObject();
            foreach (var pair in flags.GetStrings("meta"))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new UsageException($"-meta \"{pair}\" must be key=value");
                }

                meta[pair[..equals]] = pair[(equals + 1)..];
            }

            definition["Meta"] = meta;
        }

        return definition;
    }
}

/// <summary><c>mesh services deregister</c>: by <c>-id</c> or by the IDs (or names) in a definition file.</summary>
public sealed class ServicesDeregisterCommand : ICliCommand
{
    public string Name => "services deregister";

    public string Synopsis => "Deregisters services from the local agent";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddString("id", null, "ID of the service to deregister");
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        var ids = new List<string>();
        if (flags.GetString("id") is { Length: > 0 } id)
        {
            if (rest.Count > 0)
            {
                throw new UsageException("Give either a file or -id, not both");
            }

            ids.Add(id);
        }
        else if (rest.Count == 1)
        {
            foreach (var definition in await ServiceFile.ReadAsync(rest[0], cancellationToken).ConfigureAwait(false))
            {
                var serviceId = definition["ID"]?.GetValue<string>() ?? definition["Id"]?.GetValue<string>() ?? definition["id"]?.GetValue<string>()
                    ?? definition[JsonKeys.Name]?.GetValue<string>() ?? definition["name"]?.GetValue<string>()
                    ?? throw new UsageException("A service in the file has neither ID nor Name");
                ids.Add(serviceId);
            }
        }
        else
        {
            throw new UsageException(rest.Count == 0 ? "Give a service definition file or -id" : "Only one file may be given");
        }

        using var client = HttpApiClient.FromFlags(flags);
        foreach (var serviceId in ids)
        {
            await client.PutAsync($"/v1/agent/service/deregister/{Uri.EscapeDataString(serviceId)}", null, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Deregistered service: {serviceId}").ConfigureAwait(false);
        }

        return 0;
    }
}

/// <summary>Reads service definitions from a JSON or HCL file in Consul's shapes.</summary>
public static class ServiceFile
{
    public static async Task<IReadOnlyList<JsonObject>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        JsonNode? root;
        try
        {
            var text = path == "-" ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            root = JsonOrHclFile.Parse(path, text, Mesh.Hcl.HclListKeys.ServiceDefinition);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Error reading {path}: {error.Message}");
        }

        if (root is not JsonObject obj)
        {
            throw new CliException($"Error reading {path}: expected an object with \"Service\" or \"Services\"");
        }

        var single = obj["Service"] ?? obj["service"];
        var many = obj["Services"] ?? obj["services"];
        if (single is JsonObject one)
        {
            return [(JsonObject)one.DeepClone()];
        }

        if (many is JsonArray array && array.All(item => item is JsonObject))
        {
            return [.. array.Select(item => (JsonObject)item!.DeepClone())];
        }

        throw new CliException($"Error reading {path}: expected \"Service\": {{...}} or \"Services\": [...]");
    }
}

/// <summary>Keys of Consul's service definition JSON that the CLI reads or writes.</summary>
internal static class JsonKeys
{
    public const string Name = "Name";
}
