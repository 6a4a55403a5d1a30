using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.FaultTest.Cluster;

/// <summary>
/// One network namespace per server, joined by veth pairs to a bridge in a hub namespace, plus one veth from the
/// harness's namespace to the bridge so the harness reaches every server. Addresses are 10.251.X.0/24 (X the first
/// subnet with no route here), assigned only inside these namespaces. A partition adds blackhole routes between the
/// cut servers on both sides, so packets are silently dropped as on a real network split; the harness keeps
/// reaching every server. Names carry the harness's pid, so namespaces left by a killed run are found and removed.
/// </summary>
public sealed partial class NamespaceNetwork : ClusterNetwork
{
    private const int ServerPortNumber = 8300;
    private const int HttpPortNumber = 8500;
    private const int GrpcPortNumber = 8502;

    private readonly string _prefix = "mft" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private readonly List<(string Namespace, string Destination)> _blackholes = [];
    private readonly List<string> _namespaces = [];
    private string? _hostLink;
    private int _subnet = -1;
    private int _servers;

    public override string Name => "netns";

    public override bool CanPartition => true;

    private string Hub => _prefix + "h";

    private string ServerNamespace(int server) => $"{_prefix}s{server}";

    public override async Task SetupAsync(int servers)
    {
        _servers = servers;
        await RemoveStaleAsync().ConfigureAwait(false);
        var routes = await Shell.RunAsync("ip", ["-4", "route", "show"]).ConfigureAwait(false);
        _subnet = Enumerable.Range(0, 256).First(x => !routes.Contains($"10.251.{x}.", StringComparison.Ordinal));
        await NewNamespaceAsync(Hub).ConfigureAwait(false);
        await InAsync(Hub, "ip", "link", "add", "br0", "type", "bridge").ConfigureAwait(false);
        await InAsync(Hub, "ip", "link", "set", "br0", "up").ConfigureAwait(false);

        _hostLink = _prefix + "x";
        await Shell.RunAsync("ip", ["link", "add", _hostLink, "type", "veth", "peer", "name", "up0", "netns", Hub]).ConfigureAwait(false);
        await AttachAsync("up0").ConfigureAwait(false);
        await Shell.RunAsync("ip", ["addr", "add", $"{Address(-1)}/24", "dev", _hostLink]).ConfigureAwait(false);
        await Shell.RunAsync("ip", ["link", "set", _hostLink, "up"]).ConfigureAwait(false);

        for (var i = 0; i < servers; i++)
        {
            var ns = ServerNamespace(i);
            await NewNamespaceAsync(ns).ConfigureAwait(false);
            var port = $"p{i}";
            await Shell.RunAsync("ip", ["link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", Hub]).ConfigureAwait(false);
            await AttachAsync(port).ConfigureAwait(false);
            await InAsync(ns, "ip", "addr", "add", $"{Address(i)}/24", "dev", "eth0").ConfigureAwait(false);
            await InAsync(ns, "ip", "link", "set", "eth0", "up").ConfigureAwait(false);
            await InAsync(ns, "ip", "link", "set", "lo", "up").ConfigureAwait(false);
        }
    }

    /// <summary>10.251.X.1 for the harness (server -1), 10.251.X.11+i for server i.</summary>
    public string Address(int server) => $"10.251.{_subnet}.{(server < 0 ? 1 : 11 + server)}";

    public override string BindAddress(int server) => Address(server);

    public override int ServerPort(int server) => ServerPortNumber;

    public override int HttpPort(int server) => HttpPortNumber;

    public override int GrpcPort(int server) => GrpcPortNumber;

    public override IReadOnlyList<string> Launcher(int server, string meshDll) => ["ip", "netns", "exec", ServerNamespace(server), "dotnet", meshDll];

    public override async Task PartitionAsync(IReadOnlyCollection<int> isolated, int servers)
    {
        foreach (var a in isolated)
        {
            foreach (var b in Enumerable.Range(0, servers).Where(b => !isolated.Contains(b)))
            {
                await BlackholeAsync(ServerNamespace(a), Address(b)).ConfigureAwait(false);
                await BlackholeAsync(ServerNamespace(b), Address(a)).ConfigureAwait(false);
            }
        }
    }

    private async Task BlackholeAsync(string ns, string destination)
    {
        await InAsync(ns, "ip", "route", "add", "blackhole", destination + "/32").ConfigureAwait(false);
        _blackholes.Add((ns, destination));
    }

    public override async Task HealAsync()
    {
        foreach (var (ns, destination) in _blackholes)
        {
            await Shell.RunAsync("ip", ["netns", "exec", ns, "ip", "route", "del", "blackhole", destination + "/32"], check: false).ConfigureAwait(false);
        }

        _blackholes.Clear();
    }

    private async Task NewNamespaceAsync(string name)
    {
        await Shell.RunAsync("ip", ["netns", "add", name]).ConfigureAwait(false);
        _namespaces.Add(name);
    }

    private async Task AttachAsync(string port)
    {
        await InAsync(Hub, "ip", "link", "set", port, "master", "br0").ConfigureAwait(false);
        await InAsync(Hub, "ip", "link", "set", port, "up").ConfigureAwait(false);
    }

    private static Task<string> InAsync(string ns, params string[] command) => Shell.RunAsync("ip", ["netns", "exec", ns, .. command]);

    /// <summary>Namespaces and links of earlier runs whose harness process is gone.</summary>
    private static async Task RemoveStaleAsync()
    {
        var namespaces = await Shell.RunAsync("ip", ["netns", "list"], check: false).ConfigureAwait(false);
        foreach (Match match in OwnedName().Matches(namespaces))
        {
            if (!IsAlive(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)))
            {
                await Shell.RunAsync("ip", ["netns", "del", match.Groups[1].Value], check: false).ConfigureAwait(false);
            }
        }

        var links = await Shell.RunAsync("ip", ["-o", "link", "show"], check: false).ConfigureAwait(false);
        foreach (Match match in OwnedLink().Matches(links))
        {
            if (!IsAlive(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)))
            {
                await Shell.RunAsync("ip", ["link", "del", match.Groups[1].Value], check: false).ConfigureAwait(false);
            }
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    public override async ValueTask DisposeAsync()
    {
        _blackholes.Clear();
        if (_hostLink is not null)
        {
            await Shell.RunAsync("ip", ["link", "del", _hostLink], check: false).ConfigureAwait(false);
        }

        foreach (var ns in _namespaces.AsEnumerable().Reverse())
        {
            await Shell.RunAsync("ip", ["netns", "del", ns], check: false).ConfigureAwait(false);
        }

        _namespaces.Clear();
    }

    [GeneratedRegex(@"^((?:mft)(\d+)(?:h|s\d+))\b", RegexOptions.Multiline)]
    private static partial Regex OwnedName();

    [GeneratedRegex(@"^\d+: ((?:mft)(\d+)x)[@:]", RegexOptions.Multiline)]
    private static partial Regex OwnedLink();
}
