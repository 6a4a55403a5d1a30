using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>Intentions and config entries written through any server are the same when read from every server.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class IntentionClusterTests
{
    [Fact]
    public async Task IntentionsWrittenThroughFollowers_AreIdenticalOnEveryServer()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var followers = cluster.Followers.ToList();

        using (var put = await followers[0].PutJsonAsync("/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"allow"}"""))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using (var put = await followers[1].PutJsonAsync("/v1/connect/intentions/exact?source=*&destination=db", """{"Action":"deny"}"""))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using (var put = await followers[1].PutJsonAsync("/v1/config", """{"Kind":"service-intentions","Name":"cache","Sources":[{"Name":"api","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]}"""))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        // Concurrent read-modify-writes of one entry through different servers: compare-and-set keeps every source.
        var writers = cluster.Running.Select((server, i) => server.PutJsonAsync($"/v1/connect/intentions/exact?source=svc-{i}&destination=db", """{"Action":"allow"}""")).ToList();
        foreach (var response in await Task.WhenAll(writers))
        {
            using (response)
            {
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }
        }

        var views = new List<string>();
        foreach (var server in cluster.Running)
        {
            var intentions = await server.GetJsonAsync("/v1/connect/intentions");
            views.Add(intentions.GetRawText());
            Assert.Equal(6, intentions.GetArrayLength());
            var authorize = await server.Http.PostAsync("/v1/agent/connect/authorize", new StringContent(
                """{"Target":"db","ClientCertURI":"spiffe://td.consul/ns/default/dc/dc1/svc/web"}"""));
            using var decision = JsonDocument.Parse(await authorize.Content.ReadAsStringAsync());
            Assert.True(decision.RootElement.GetProperty("Authorized").GetBoolean());
            Assert.False((await server.GetJsonAsync("/v1/connect/intentions/check?source=other&destination=db")).GetProperty("Allowed").GetBoolean());
            Assert.False((await server.GetJsonAsync("/v1/connect/intentions/check?source=api&destination=cache")).GetProperty("Allowed").GetBoolean());
        }

        Assert.Single(views.Distinct());
        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(30));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
    }
}
