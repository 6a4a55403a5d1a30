using System.Text.Json;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh catalog services</c>: lists service names (with <c>-tags</c>, their tags).</summary>
public sealed class CatalogServicesCommand : ICliCommand
{
    public string Name => "catalog services";

    public string Synopsis => "Lists all registered services in a datacenter";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddBool("tags", "Show the tags of each service").AddString("node", null, "Only services on this node");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        var showTags = flags.GetBool("tags");
        var rows = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        if (flags.GetString("node") is { Length: > 0 } node)
        {
            using var document = JsonDocument.Parse(await client.GetAsync($"/v1/catalog/node/{Uri.EscapeDataString(node)}", cancellationToken).ConfigureAwait(false));
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                throw new CliException($"No node named \"{node}\"");
            }

            foreach (var service in document.RootElement.GetProperty("Services").EnumerateObject())
            {
                var name = service.Value.GetProperty("Service").GetString()!;
                rows[name] = [.. service.Value.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!)];
            }
        }
        else
        {
            using var document = JsonDocument.Parse(await client.GetAsync("/v1/catalog/services", cancellationToken).ConfigureAwait(false));
            foreach (var service in document.RootElement.EnumerateObject())
            {
                rows[service.Name] = [.. service.Value.EnumerateArray().Select(t => t.GetString()!)];
            }
        }

        var width = rows.Keys.Select(k => k.Length).DefaultIfEmpty(0).Max();
        foreach (var (name, tags) in rows)
        {
            await console.Out.WriteLineAsync(showTags ? $"{name.PadRight(width)}  {string.Join(',', tags)}".TrimEnd() : name).ConfigureAwait(false);
        }

        return 0;
    }
}

/// <summary><c>mesh catalog nodes</c>: a table of nodes (optionally only those running <c>-service</c>).</summary>
public sealed class CatalogNodesCommand : ICliCommand
{
    private static readonly string[] Header = ["Node", "ID", "Address", "DC"];

    public string Name => "catalog nodes";

    public string Synopsis => "Lists all nodes in a datacenter";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddString("service", null, "Only nodes running this service").AddBool("detailed", "Show tagged addresses and meta");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        using var client = HttpApiClient.FromFlags(flags);
        var rows = new List<string[]> { Header.ToArray() };
        var detailed = flags.GetBool("detailed");
        if (detailed)
        {
            rows[0] = [.. rows[0], "TaggedAddresses", "Meta"];
        }

        var path = flags.GetString("service") is { Length: > 0 } service ? $"/v1/catalog/service/{Uri.EscapeDataString(service)}" : "/v1/catalog/nodes";
        using var document = JsonDocument.Parse(await client.GetAsync(path, cancellationToken).ConfigureAwait(false));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in document.RootElement.EnumerateArray())
        {
            var name = node.GetProperty("Node").GetString()!;
            if (!seen.Add(name))
            {
                continue;
            }

            var id = node.GetProperty("ID").GetString() ?? string.Empty;
            string[] row = [name, detailed ? id : id.Split('-')[0], node.GetProperty("Address").GetString()!, node.GetProperty("Datacenter").GetString()!];
            if (detailed)
            {
                var meta = node.TryGetProperty("Meta", out var m) ? m : node.GetProperty("NodeMeta");
                row = [.. row, Pairs(node.GetProperty("TaggedAddresses")), Pairs(meta)];
            }

            rows.Add(row);
        }

        await CliTable.WriteAsync(console.Out, rows).ConfigureAwait(false);
        return 0;
    }

    private static string Pairs(JsonElement map)
        => string.Join(',', map.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));
}

/// <summary>Small shared CLI helpers.</summary>
public static class CliArgs
{
    public static void NoPositional(IReadOnlyList<string> rest)
    {
        if (rest.Count > 0)
        {
            throw new UsageException($"Too many arguments (expected 0, got {rest.Count}: {string.Join(' ', rest)})");
        }
    }
}

/// <summary>Left-aligned columns separated by two spaces, as Consul's CLI prints them.</summary>
public static class CliTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string[]> rows)
    {
        var columns = rows.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            await output.WriteLineAsync(string.Join("  ", cells).TrimEnd()).ConfigureAwait(false);
        }
    }
}
