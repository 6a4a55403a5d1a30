using System.Text.Json;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh maint [-enable|-disable] [-reason=...] [-service=id]</c>, as Consul's <c>consul maint</c>: with neither
/// flag it lists the node and services in maintenance; otherwise it enables or disables node or service maintenance.
/// </summary>
public sealed class MaintCommand : ICliCommand
{
    public string Name => "maint";

    public string Synopsis => "Controls node or service maintenance mode";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddBool("enable", "Enable maintenance mode")
            .AddBool("disable", "Disable maintenance mode")
            .AddString("reason", null, "Text describing the maintenance reason")
            .AddString("service", null, "Control maintenance mode for a specific service ID");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var enable = flags.GetBool("enable");
        var disable = flags.GetBool("disable");
        var reason = flags.GetString("reason") ?? string.Empty;
        var serviceId = flags.GetString("service") ?? string.Empty;
        if (enable && disable)
        {
            throw new UsageException("Only one of -enable or -disable may be provided");
        }

        if (!enable && reason.Length > 0)
        {
            throw new UsageException("Reason may only be provided with -enable");
        }

        if (!enable && !disable && serviceId.Length > 0)
        {
            throw new UsageException("Service requires either -enable or -disable");
        }

        using var client = HttpApiClient.FromFlags(flags);
        if (!enable && !disable)
        {
            await ListAsync(client, console, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var action = enable ? "enabling" : "disabling";
        var target = serviceId.Length == 0 ? "node" : "service";
        var path = serviceId.Length == 0 ? "/v1/agent/maintenance" : $"/v1/agent/service/maintenance/{Uri.EscapeDataString(serviceId)}";
        var query = $"?enable={(enable ? "true" : "false")}" + (reason.Length > 0 ? $"&reason={Uri.EscapeDataString(reason)}" : string.Empty);
        try
        {
            await client.PutAsync(path + query, null, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException failure)
        {
            await console.Error.WriteLineAsync($"Error {action} {target} maintenance: {failure.Message}").ConfigureAwait(false);
            return 1;
        }

        var done = enable ? "entered" : "left";
        await console.Out.WriteLineAsync(serviceId.Length == 0 ? $"Node {done} maintenance mode" : $"Service {done} maintenance mode: {serviceId}").ConfigureAwait(false);
        return 0;
    }

    private static async Task ListAsync(HttpApiClient client, CliConsole console, CancellationToken cancellationToken)
    {
        using var self = JsonDocument.Parse(await client.GetAsync("/v1/agent/self", cancellationToken).ConfigureAwait(false));
        var nodeName = self.RootElement.GetProperty("Config").GetProperty("NodeName").GetString() ?? string.Empty;
        using var checks = JsonDocument.Parse(await client.GetAsync("/v1/agent/checks", cancellationToken).ConfigureAwait(false));
        foreach (var check in checks.RootElement.EnumerateObject().OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => c.Value))
        {
            var id = check.GetProperty("CheckID").GetString() ?? string.Empty;
            var notes = check.GetProperty("Notes").GetString() ?? string.Empty;
            if (id == "_node_maintenance")
            {
                await console.Out.WriteLineAsync($"Node:\n  Name:   {nodeName}\n  Reason: {notes}\n").ConfigureAwait(false);
            }
            else if (id.StartsWith("_service_maintenance:", StringComparison.Ordinal))
            {
                await console.Out.WriteLineAsync($"Service:\n  ID:     {check.GetProperty("ServiceID").GetString()}\n  Reason: {notes}\n").ConfigureAwait(false);
            }
        }
    }
}
