using System.Diagnostics;
using System.Globalization;

namespace Mesh.Agent.Dataplane;

/// <summary>One server a dataplane may dial: a host and its gRPC port.</summary>
public sealed record ServerTarget(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

/// <summary>
/// Resolves <c>-addresses</c> as go-netaddrs does: a list of hosts/IPs (comma or space separated) or
/// <c>exec=&lt;command&gt;</c>, whose output lists them. Mesh also accepts <c>host:port</c> entries (servers on
/// different gRPC ports, as in tests); such a list is kept as given, since WatchServers reports bare IPs.
/// </summary>
public static class ServerAddressSource
{
    public static async Task<(IReadOnlyList<ServerTarget> Targets, bool WithPorts)> ResolveAsync(string addresses, int grpcPort, CancellationToken cancellationToken)
    {
        var text = addresses;
        if (addresses.StartsWith("exec=", StringComparison.Ordinal))
        {
            text = await ExecAsync(addresses["exec=".Length..], cancellationToken).ConfigureAwait(false);
        }

        var targets = new List<ServerTarget>();
        var withPorts = false;
        foreach (var entry in text.Split([',', ' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (host, port) = Parse(entry);
            withPorts |= port is not null;
            targets.Add(new ServerTarget(host, port ?? grpcPort));
        }

        if (targets.Count == 0)
        {
            throw new DataplaneException($"-addresses \"{addresses}\" names no server");
        }

        return (targets, withPorts);
    }

    private static (string Host, int? Port) Parse(string entry)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            var host = close > 0 ? entry[1..close] : throw new DataplaneException($"address \"{entry}\" is not valid");
            return entry.Length > close + 1 ? (host, PortOf(entry[(close + 2)..], entry)) : (host, null);
        }

        var colon = entry.LastIndexOf(':');
        return colon > 0 && entry.IndexOf(':', StringComparison.Ordinal) == colon ? (entry[..colon], PortOf(entry[(colon + 1)..], entry)) : (entry, null);
    }

    private static int? PortOf(string text, string entry)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new DataplaneException($"address \"{entry}\" has an invalid port");

    private static async Task<string> ExecAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-c", command } };
        using var process = Process.Start(start) ?? throw new DataplaneException($"-addresses exec=\"{command}\" could not be started");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode == 0
            ? output
            : throw new DataplaneException($"-addresses exec=\"{command}\" exited with {process.ExitCode}: {error.Trim()}");
    }
}

/// <summary>A dataplane failure reported to the user (CLI message, non-zero exit).</summary>
public sealed class DataplaneException : Exception
{
    public DataplaneException()
    {
    }

    public DataplaneException(string message)
        : base(message)
    {
    }

    public DataplaneException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
