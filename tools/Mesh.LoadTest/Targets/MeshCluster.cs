using System.Globalization;
using System.Text.Json;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// Three (or more) <c>mesh agent -server -bootstrap-expect=N</c> processes on loopback, each with <c>-retry-join</c>
/// to the others, data in one temp folder. Writes are <c>PUT /v1/catalog/register</c>.
/// </summary>
public sealed class MeshCluster : ClusterTarget
{
    private MeshCluster(string name, IReadOnlyList<ClusterMember> members, DirectoryInfo directory, ClusterTls? tls)
        : base(name, members, directory, tls)
    {
    }

    /// <param name="tls">When set: Consul's <c>tls.defaults</c> with the agent CA and server certificate,
    /// <c>verify_incoming</c>, <c>verify_outgoing</c> and <c>internal_rpc.verify_server_hostname</c>, the API on
    /// <c>ports.https</c> only (<c>ports.http = -1</c>), written as a <c>-config-file</c> per member.</param>
    public static Task<MeshCluster> StartAsync(string meshBinary, int size, ClusterTls? tls, CancellationToken cancellationToken)
        => StartAsync("mesh", meshBinary, size, tls, cancellationToken);

    /// <param name="targetName">The name runs are reported under (<c>mesh</c>, or <c>base</c> for a build compared with it).</param>
    public static async Task<MeshCluster> StartAsync(string targetName, string meshBinary, int size, ClusterTls? tls, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-cluster-");
        var serverPorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToArray();
        var isDll = meshBinary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var members = new List<ClusterMember>();
        for (var i = 0; i < size; i++)
        {
            var httpPort = FreePort.Next();
            var grpcPort = FreePort.Next();
            var name = string.Create(CultureInfo.InvariantCulture, $"mesh-{i}");
            var peers = serverPorts.Where((_, j) => j != i).SelectMany(port => new[] { "-retry-join", $"127.0.0.1:{Port(port)}" });
            string[] agent =
            [
                "agent", "-server", "-bootstrap-expect", Port(size), "-node", name, "-bind", "127.0.0.1", "-client", "127.0.0.1",
                "-data-dir", Path.Combine(directory.FullName, name), "-log-level", "warn",
                "-grpc-port", Port(grpcPort), "-server-port", Port(serverPorts[i]), .. peers,
                .. tls is null ? (string[])["-http-port", Port(httpPort)] : ["-config-file", TlsConfigFile(directory, name, tls, httpPort)],
            ];
            members.Add(new ClusterMember(
                name, isDll ? "dotnet" : meshBinary, isDll ? [meshBinary, .. agent] : agent, new Uri($"{(tls is null ? "http" : "https")}://127.0.0.1:{Port(httpPort)}"),
                $"127.0.0.1:{Port(serverPorts[i])}", directory) { GrpcPort = grpcPort });
        }

        var cluster = new MeshCluster(targetName, members, directory, tls);
        try
        {
            members.ForEach(m => m.Start());
            await cluster.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override HttpRequestMessage CreateWrite(ClusterMember member, int client, long sequence)
        => new(HttpMethod.Put, new Uri(member.BaseAddress, "/v1/catalog/register")) { Content = MeshTarget.Json(WritePayload.RegistrationJson(client, sequence)) };

    public override async Task<ClusterMember?> LeaderSeenByAsync(HttpClient http, ClusterMember asked, CancellationToken cancellationToken)
    {
        try
        {
            var address = JsonSerializer.Deserialize<string>(await http.GetStringAsync(new Uri(asked.BaseAddress, "/v1/status/leader"), cancellationToken).ConfigureAwait(false));
            return Members.FirstOrDefault(m => m.PeerAddress == address);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public override async Task<long?> AppliedIndexAsync(CancellationToken cancellationToken)
    {
        using var http = CreateProbeClient();
        try
        {
            using var state = JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseAddress, "/v1/internal/mesh/state"), cancellationToken).ConfigureAwait(false));
            return state.RootElement.GetProperty("AppliedIndex").GetInt64();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Also requires every running member to list all the servers as Raft peers.</summary>
    protected override async Task<string?> NotReadyReasonAsync(HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var member in Members.Where(m => m.IsRunning))
        {
            var peers = JsonSerializer.Deserialize<string[]>(await http.GetStringAsync(new Uri(member.BaseAddress, "/v1/status/peers"), cancellationToken).ConfigureAwait(false)) ?? [];
            if (peers.Length != Members.Count)
            {
                return $"{member.Name} lists {peers.Length} peers";
            }
        }

        return await base.NotReadyReasonAsync(http, cancellationToken).ConfigureAwait(false);
    }

    private static string TlsConfigFile(DirectoryInfo directory, string name, ClusterTls tls, int httpsPort)
    {
        var path = Path.Combine(directory.FullName, name + "-tls.json");
        var config = new Dictionary<string, object>
        {
            ["tls"] = new Dictionary<string, object>
            {
                ["defaults"] = new Dictionary<string, object>
                {
                    ["ca_file"] = tls.CaFile, ["cert_file"] = tls.ServerCertFile, ["key_file"] = tls.ServerKeyFile,
                    ["verify_incoming"] = true, ["verify_outgoing"] = true,
                },
                ["internal_rpc"] = new Dictionary<string, object> { ["verify_server_hostname"] = true },
            },
            ["ports"] = new Dictionary<string, object> { ["http"] = -1, ["https"] = httpsPort },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
