using System.Net;
using Mesh.Agent.Tests.Cluster;
using Mesh.Agent.Tls;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Tls;

/// <summary>
/// Servers whose server port (Raft and RPC) runs mutual TLS with verify_incoming, verify_outgoing and
/// verify_server_hostname: they form and replicate, survive a leader kill and certificate rotation, and a server
/// without a certificate from the cluster's CA for <c>server.dc1.consul</c> cannot take part.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class TlsClusterTests : IDisposable
{
    private readonly TestCertificates _ca = new();

    private Task<TestCluster> StartAsync(Dictionary<string, (string Cert, string Key)> certificates, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
        => TestCluster.StartAsync(3, c =>
        {
            var pair = _ca.Server();
            certificates[c.NodeName] = pair;
            return TlsTestClients.WithTls(c, _ca.CaFile, pair);
        }, logs);

    private static async Task RegisterAsync(TestServer server, string node)
    {
        using var response = await server.PutJsonAsync("/v1/catalog/register", $$$"""{"Node":"{{{node}}}","Address":"10.3.0.1","Service":{"Service":"web"}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ThreeVerifiedServers_FormReplicateRotateCertificates_AndSurviveALeaderKill()
    {
        var certificates = new Dictionary<string, (string Cert, string Key)>();
        await using var cluster = await StartAsync(certificates);
        Assert.All(cluster.Running, s => Assert.Equal(3, s.Server.Raft.Members.Count));
        Assert.All(cluster.Running, s => Assert.True(s.Server.Raft.BoundEndPoint.Port > 0));

        // A write through a follower is forwarded to the leader over the TLS server RPC, then replicated over TLS Raft.
        await RegisterAsync(cluster.Followers.First(), "before-rotation");
        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(20));
        Assert.Single(digests.Select(d => d.Digest).Distinct());

        // Rotation: new certificates from the same CA replace the files in place; each server picks them up.
        var rotated = new Dictionary<string, string>();
        foreach (var server in cluster.Running)
        {
            var current = certificates[server.NodeName];
            var next = _ca.Server();
            File.Copy(next.Cert, current.Cert, overwrite: true);
            File.Copy(next.Key, current.Key, overwrite: true);
            rotated[server.NodeName] = TestCertificates.Thumbprint(next.Cert);
        }

        foreach (var server in cluster.Running)
        {
            await Eventually.ValueAsync(
                () => TlsTestClients.PresentedThumbprintAsync(server.Server.Config.HttpsPort),
                thumbprint => thumbprint == rotated[server.NodeName],
                TimeSpan.FromSeconds(20),
                $"{server.NodeName}'s HTTPS port to present its new certificate");
            Assert.Equal(rotated[server.NodeName], await TlsTestClients.PresentedThumbprintAsync(server.Server.Config.GrpcTlsPort));
        }

        await RegisterAsync(cluster.Followers.Last(), "after-rotation");

        // The leader dies: the two others elect a new one over TLS and keep accepting writes.
        var oldLeader = cluster.Leader;
        var oldAddress = oldLeader.Server.Raft.BoundEndPoint.ToString();
        await cluster.StopAsync(oldLeader);
        await TestCluster.WaitUntilAsync(
            () => cluster.Running.All(s => s.Server.Raft.Leader is { } leader && leader.ToString() != oldAddress)
                  && cluster.Running.Select(s => s.Server.Raft.Leader!.ToString()).Distinct().Count() == 1,
            TimeSpan.FromSeconds(30),
            "a new leader among the remaining servers");
        await RegisterAsync(cluster.Followers.First(), "after-leader-kill");
        var settled = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(20));
        Assert.Single(settled.Select(d => d.Digest).Distinct());
        Assert.All(cluster.Running, s =>
        {
            Assert.NotNull(s.Server.Fsm.Current.FindNode("before-rotation"));
            Assert.NotNull(s.Server.Fsm.Current.FindNode("after-rotation"));
            Assert.NotNull(s.Server.Fsm.Current.FindNode("after-leader-kill"));
        });
    }

    [Fact]
    public async Task ServersWithAForeignCa_AClientCertificate_OrNoTls_CannotJoin_AndNothingTheySendIsApplied()
    {
        var logs = new CapturedLogs();
        await using var cluster = await StartAsync([], logs);
        using var otherCa = new TestCertificates("Another CA");

        // The foreign server trusts the cluster's CA (CA certificates are public) but its own certificate is from another CA.
        var foreign = await cluster.AddServerAsync(configure: c => TlsTestClients.WithTls(c, _ca.CaFile, otherCa.Server()));
        var client = await cluster.AddServerAsync(configure: c => TlsTestClients.WithTls(c, _ca.CaFile, _ca.Client()));
        var plaintext = await cluster.AddServerAsync(configure: c => c with { Tls = new TlsConfig(), HttpsPort = -1, GrpcTlsPort = -1 });
        var rogues = new[] { foreign, client, plaintext };

        // Each is refused, with a log line on the cluster's side saying why.
        await TestCluster.WaitUntilAsync(
            () => logs.Contains("is not signed by a configured CA")
                  && logs.Contains("is not valid for server.dc1.consul")
                  && logs.Contains("Refused a plaintext server-port connection"),
            TimeSpan.FromSeconds(30),
            "the cluster to log each refusal");

        // A write sent to a rogue has no leader to reach: it fails and is never applied anywhere.
        var statuses = await Task.WhenAll(rogues.Select(async rogue =>
        {
            using var response = await rogue.PutJsonAsync("/v1/catalog/register", $$"""{"Node":"from-{{rogue.NodeName}}","Address":"10.9.9.9"}""");
            return response.StatusCode;
        }));
        Assert.All(statuses, status => Assert.NotEqual(HttpStatusCode.OK, status));

        await RegisterAsync(cluster.Leader, "marker");
        var members = cluster.Running.Except(rogues).ToList();
        await TestCluster.WaitUntilAsync(() => members.All(s => s.Server.Fsm.Current.FindNode("marker") is not null), TimeSpan.FromSeconds(20), "the marker write on every member");
        foreach (var server in members)
        {
            Assert.Equal(3, server.Server.Raft.Members.Count);
            Assert.NotNull(server.Server.Fsm.Current.FindNode("marker"));
            foreach (var rogue in rogues)
            {
                Assert.Null(server.Server.Fsm.Current.FindNode(rogue.NodeName));
                Assert.Null(server.Server.Fsm.Current.FindNode($"from-{rogue.NodeName}"));
            }
        }

        Assert.All(rogues, rogue => Assert.False(rogue.Server.Raft.IsConsensusStarted));
    }

    public void Dispose() => _ca.Dispose();
}
