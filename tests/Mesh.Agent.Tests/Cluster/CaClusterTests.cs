using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

[Collection(ClusterTestGroup.Name)]
public sealed class CaClusterTests
{
    [Fact]
    public async Task ThreeServers_RootsLeavesAndARotation_AgreeOnEveryServer()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await TestCluster.WaitUntilAsync(() => cluster.Running.All(s => s.Server.Fsm.Current.Ca is not null), TimeSpan.FromSeconds(30), "every server to see the CA");

        // The same roots from every server.
        var roots = new List<JsonElement>();
        foreach (var server in cluster.Running)
        {
            roots.Add(await server.GetJsonAsync("/v1/connect/ca/roots"));
        }

        Assert.Single(roots.Select(r => r.GetRawText()).Distinct());
        var trustDomain = roots[0].GetProperty("TrustDomain").GetString()!;
        var rootPems = RootPems(roots[0]);

        // Every server issues its own leaf for the service; each names the service and verifies against those roots.
        var leaves = new List<JsonElement>();
        foreach (var server in cluster.Running)
        {
            var leaf = await server.GetJsonAsync("/v1/agent/connect/ca/leaf/web");
            Assert.Equal($"spiffe://{trustDomain}/ns/default/dc/dc1/svc/web", leaf.GetProperty("ServiceURI").GetString());
            Assert.True(Verifies(leaf.GetProperty("CertPEM").GetString()!, rootPems), $"leaf from {server.NodeName} does not verify");
            leaves.Add(leaf);
        }

        Assert.Equal(3, leaves.Select(l => l.GetProperty("SerialNumber").GetString()).Distinct().Count());

        // A rotation asked of a follower is applied once, and every server re-issues under the new root with the same chain.
        var follower = cluster.Followers.First();
        using (var response = await follower.PutJsonAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":384}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var rotated = new List<JsonElement>();
        foreach (var server in cluster.Running)
        {
            rotated.Add(await server.GetJsonAsync("/v1/connect/ca/roots"));
        }

        Assert.Single(rotated.Select(r => r.GetRawText()).Distinct());
        Assert.Equal(2, rotated[0].GetProperty("Roots").GetArrayLength());
        var newRootPems = RootPems(rotated[0]);
        var crossSigned = rotated[0].GetProperty("Roots").EnumerateArray().Single(r => r.GetProperty("Active").GetBoolean())
            .GetProperty("IntermediateCerts").EnumerateArray().Single().GetString()!;
        var i = 0;
        foreach (var server in cluster.Running)
        {
            var index = leaves[i++].GetProperty("ModifyIndex").GetInt64();
            var leaf = await server.GetJsonAsync($"/v1/agent/connect/ca/leaf/web?index={index}&wait=10s");
            var chain = leaf.GetProperty("CertPEM").GetString()!;
            Assert.True(leaf.GetProperty("ModifyIndex").GetInt64() > index, $"{server.NodeName} did not re-issue its leaf");
            Assert.EndsWith(crossSigned, chain);
            Assert.True(Verifies(chain, newRootPems), $"re-issued leaf from {server.NodeName} does not verify");
            Assert.True(Verifies(chain, RootPems(roots[0])), $"re-issued leaf from {server.NodeName} does not verify through the cross-signed root");
        }

        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(10));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
    }

    private static List<string> RootPems(JsonElement roots)
        => [.. roots.GetProperty("Roots").EnumerateArray().Select(r => r.GetProperty("RootCert").GetString()!)];

    /// <summary>The chain's first certificate builds to one of the roots (the rest of the chain are intermediates).</summary>
    private static bool Verifies(string chainPem, IEnumerable<string> rootPems)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(chainPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var root in rootPems)
        {
            chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(root));
        }

        foreach (var intermediate in certificates.Skip(1))
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        return chain.Build(certificates[0]);
    }
}
