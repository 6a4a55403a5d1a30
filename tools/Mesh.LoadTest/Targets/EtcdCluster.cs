using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// A three-member (or larger) etcd cluster on loopback, started with a static <c>--initial-cluster</c>, data in one
/// temp folder. Writes are <c>POST /v3/kv/put</c> on its JSON gateway; the leader is found with
/// <c>POST /v3/maintenance/status</c> (<c>leader</c> against each member's <c>header.member_id</c>).
/// </summary>
public sealed class EtcdCluster : ClusterTarget
{
    private readonly Dictionary<string, ClusterMember> _byMemberId = new(StringComparer.Ordinal);

    private EtcdCluster(IReadOnlyList<ClusterMember> members, DirectoryInfo directory, ClusterTls? tls)
        : base("etcd", members, directory, tls)
    {
    }

    /// <param name="tls">When set: HTTPS client and peer URLs, <c>--client-cert-auth</c> and <c>--peer-client-cert-auth</c>
    /// against the agent CA (etcd's equivalent of Consul's <c>verify_incoming</c> on both ports).</param>
    public static async Task<EtcdCluster> StartAsync(string etcdBinary, int size, ClusterTls? tls, CancellationToken cancellationToken)
    {
        var scheme = tls is null ? "http" : "https";
        var directory = Directory.CreateTempSubdirectory("etcd-cluster-");
        var names = Enumerable.Range(0, size).Select(i => string.Create(CultureInfo.InvariantCulture, $"etcd-{i}")).ToArray();
        var peerUrls = names.Select(_ => $"{scheme}://127.0.0.1:{Port(FreePort.Next())}").ToArray();
        var initialCluster = string.Join(',', names.Select((name, i) => $"{name}={peerUrls[i]}"));
        var members = new List<ClusterMember>();
        for (var i = 0; i < size; i++)
        {
            var client = $"{scheme}://127.0.0.1:{Port(FreePort.Next())}";
            string[] arguments =
            [
                "--name", names[i], "--data-dir", Path.Combine(directory.FullName, names[i]),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peerUrls[i], "--initial-advertise-peer-urls", peerUrls[i],
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", "mesh-load-cluster",
                "--logger", "zap", "--log-level", "warn",
                .. tls is null ? Array.Empty<string>() :
                [
                    "--cert-file", tls.ServerCertFile, "--key-file", tls.ServerKeyFile, "--trusted-ca-file", tls.CaFile, "--client-cert-auth",
                    "--peer-cert-file", tls.ServerCertFile, "--peer-key-file", tls.ServerKeyFile, "--peer-trusted-ca-file", tls.CaFile, "--peer-client-cert-auth",
                ],
            ];
            members.Add(new ClusterMember(names[i], etcdBinary, arguments, new Uri(client), peerUrls[i], directory));
        }

        var cluster = new EtcdCluster(members, directory, tls);
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
    {
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("load/" + WritePayload.InstanceKey(client, sequence)));
        var value = Convert.ToBase64String(WritePayload.RegistrationJson(client, sequence));
        return new HttpRequestMessage(HttpMethod.Post, new Uri(member.BaseAddress, "/v3/kv/put"))
        {
            Content = MeshTarget.Json(Encoding.UTF8.GetBytes($$"""{"key":"{{key}}","value":"{{value}}"}""")),
        };
    }

    public override async Task<ClusterMember?> LeaderSeenByAsync(HttpClient http, ClusterMember asked, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(http, asked, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return null;
        }

        _byMemberId[status.Value.MemberId] = asked;
        return _byMemberId.GetValueOrDefault(status.Value.Leader);
    }

    /// <summary>Learns every member's id first, so that a leader id can be mapped to its member.</summary>
    protected override async Task<string?> NotReadyReasonAsync(HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var member in Members.Where(m => m.IsRunning))
        {
            if (await StatusAsync(http, member, cancellationToken).ConfigureAwait(false) is not { } status)
            {
                return $"{member.Name} gives no status";
            }

            _byMemberId[status.MemberId] = member;
        }

        return await base.NotReadyReasonAsync(http, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(string MemberId, string Leader)?> StatusAsync(HttpClient http, ClusterMember member, CancellationToken cancellationToken)
    {
        try
        {
            using var content = MeshTarget.Json("{}"u8.ToArray());
            using var response = await http.PostAsync(new Uri(member.BaseAddress, "/v3/maintenance/status"), content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var root = document.RootElement;
            var memberId = root.GetProperty("header").GetProperty("member_id").GetString() ?? string.Empty;
            var leader = root.TryGetProperty("leader", out var value) ? value.GetString() ?? string.Empty : string.Empty;
            return (memberId, leader);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
