using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mesh.Fsm.State;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

[Collection(ClusterTestGroup.Name)]
public sealed class SnapshotTests
{
    [Fact]
    public async Task SnapshotMeta_ReportsTheLeadersRealTerm_OnBootstrapAndBootstrapExpect()
    {
        await using (var single = await TestServer.StartAsync())
        {
            var meta = await SaveMetaAsync(single);
            Assert.Equal(1, meta.Term); // cold-started leader: term 1 without an election, not the "no term yet" 0
            Assert.Equal(single.Server.Raft.Term, meta.Term);
        }

        await using var cluster = await TestCluster.StartAsync(3);
        var clusterMeta = await SaveMetaAsync(cluster.Leader);
        Assert.True(clusterMeta.Term >= 1, $"a -bootstrap-expect cluster reported term {clusterMeta.Term}");
        Assert.Equal(cluster.Leader.Server.Raft.Term, clusterMeta.Term);
        Assert.All(cluster.Running, s => Assert.Equal(clusterMeta.Term, s.Server.Raft.Term));
    }

    private static async Task<Mesh.Api.Snapshots.SnapshotMeta> SaveMetaAsync(TestServer server)
    {
        using var saved = await server.Http.GetAsync("/v1/snapshot");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var contents = await Mesh.Api.Snapshots.SnapshotArchive.ReadAsync(new MemoryStream(await saved.Content.ReadAsByteArrayAsync()), CancellationToken.None);
        return contents.Meta;
    }

    [Fact]
    public async Task SnapshotSavedOnOneCluster_RestoredIntoAnother_GivesIdenticalContent_OnEveryServer()
    {
        await using var source = await TestServer.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var response = await source.PutJsonAsync("/v1/catalog/register", $$$"""{"Node":"s{{{i}}}","Address":"10.3.0.{{{i}}}","Service":{"Service":"api","Port":{{{8000 + i}}}},"Check":{"CheckID":"c{{{i}}}","Name":"c","Status":"passing"}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var saved = await source.Http.GetAsync("/v1/snapshot");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("application/x-gzip", saved.Content.Headers.ContentType?.MediaType);
        var archive = await saved.Content.ReadAsByteArrayAsync();
        var expected = UserContentDigest(source.Server.Fsm.Current);

        await using var target = await TestCluster.StartAsync(3);
        var follower = target.Followers.First();
        using var parked = new HttpClient { BaseAddress = follower.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var index = long.Parse((await follower.Http.GetAsync("/v1/catalog/services")).Headers.GetValues("X-Consul-Index").Single());
        var blocking = parked.GetAsync($"/v1/catalog/services?index={index}&wait=20s");

        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-gzip");
        using var restored = await follower.Http.PutAsync("/v1/snapshot", content);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);

        // A blocking query parked before the restore wakes, with a higher index, and sees the restored data.
        using var woke = await blocking;
        Assert.True(long.Parse(woke.Headers.GetValues("X-Consul-Index").Single()) > index);
        Assert.True(JsonDocument.Parse(await woke.Content.ReadAsStringAsync()).RootElement.TryGetProperty("api", out _));

        // The target's leader then reconciles the servers' own catalog entries (its three servers in, the source's
        // server out), as Consul's leader does after a restore; everything else is the source's, row for row.
        await TestCluster.WaitUntilAsync(
            () => target.Running.All(server => UserContentDigest(server.Server.Fsm.Current) == expected),
            TimeSpan.FromSeconds(15),
            "every server to hold the source's content");
        await TestCluster.WaitUntilAsync(
            () => target.Running.All(server => ServerNodes(server.Server.Fsm.Current).SetEquals(target.Running.Select(s => s.NodeName))),
            TimeSpan.FromSeconds(15),
            "the catalog to list exactly the target's servers");
        Assert.All(target.Running, server => Assert.Equal(expected, UserContentDigest(server.Server.Fsm.Current)));
    }

    private static HashSet<string> ServerNodes(StoreState state)
        => [.. state.Nodes.Values.Where(IsServerMember).Select(node => node.Name)];

    private static bool IsServerMember(Mesh.Fsm.Model.Node node)
        => node.Meta.GetValueOrDefault(Mesh.Server.Membership.ServerCatalogEntry.ServerMetaKey) == "true";

    /// <summary>The content digest without the servers' own membership rows (node, consul service, serfHealth).</summary>
    private static string UserContentDigest(StoreState state)
    {
        var servers = state.Nodes.Where(pair => IsServerMember(pair.Value)).Select(pair => pair.Key).ToHashSet(StringComparer.Ordinal);
        return StoreSnapshotCodec.ContentDigest(state with
        {
            Nodes = state.Nodes.RemoveRange(servers),
            Services = state.Services.RemoveRange(state.Services.Keys.Where(key => servers.Contains(key.Node))),
            Checks = state.Checks.RemoveRange(state.Checks.Keys.Where(key => servers.Contains(key.Node))),
        });
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("tampered")]
    [InlineData("empty")]
    public async Task CorruptTruncatedOrForeignSnapshot_IsRejected_WithStateUnchanged(string damage)
    {
        await using var server = await TestServer.StartAsync();
        using (var seed = await server.PutJsonAsync("/v1/catalog/register", """{"Node":"keep","Address":"10.4.0.1"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, seed.StatusCode);
        }

        var archive = await (await server.Http.GetAsync("/v1/snapshot")).Content.ReadAsByteArrayAsync();
        byte[] body = damage switch
        {
            "truncated" => archive[..(archive.Length / 2)],
            "garbage" => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))],
            "tampered" => await TamperedAsync(archive),
            _ => [],
        };

        var before = server.Digest();
        using var response = await server.Http.PutAsync("/v1/snapshot", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrWhiteSpace(message));
        if (damage == "tampered")
        {
            Assert.Contains("SHA-256", message);
        }

        Assert.Equal(before, server.Digest());
    }

    /// <summary>Rebuilds the archive with one byte of state.bin changed but the old SHA256SUMS.</summary>
    private static async Task<byte[]> TamperedAsync(byte[] archive)
    {
        var files = new Dictionary<string, byte[]>();
        await using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(archive), System.IO.Compression.CompressionMode.Decompress))
        await using (var tar = new System.Formats.Tar.TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync(copyData: true) is { } entry)
            {
                using var buffer = new MemoryStream();
                await entry.DataStream!.CopyToAsync(buffer);
                files[entry.Name] = buffer.ToArray();
            }
        }

        files["state.bin"][^1] ^= 0xFF;
        using var output = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new System.Formats.Tar.TarWriter(gzip))
        {
            foreach (var (name, bytes) in files)
            {
                await tar.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            }
        }

        return output.ToArray();
    }
}
