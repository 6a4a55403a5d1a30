using System.Net;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>
/// A blocking query filtered by the token must not reveal changes the token cannot see, by answering early or by a
/// moved X-Consul-Index; a change it can see answers at once.
/// </summary>
public sealed class AclBlockingQueryTests
{
    [Fact]
    public async Task FilteredBlockingQuery_IgnoresInvisibleChanges_AndAnswersVisibleOnes()
    {
        await using var server = await TestServer.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var webReader = await AclTestTokens.CreateAsync(server, """service "web" { policy = "read" } node_prefix "" { policy = "read" }""");
        await RegisterAsync(server, management, "web", "web1");

        var (first, index) = await GetAsync(server, webReader, "/v1/catalog/services");
        Assert.Contains("\"web\"", first, StringComparison.Ordinal);

        // A service the token cannot read is registered while the query is parked, then (later) one it can read: had
        // the first wake answered, the answer would lack the second change.
        var parked = GetAsync(server, webReader, $"/v1/catalog/services?index={index}&wait=30s");
        await Task.Delay(300);
        await RegisterAsync(server, management, "db", "db1");
        await Task.Delay(700);
        Assert.False(parked.IsCompleted, "the query answered for a change its token cannot see");
        await RegisterAsync(server, management, "web", "web2", """["v2"]""");
        var (changed, changedIndex) = await parked.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("v2", changed, StringComparison.Ordinal);
        Assert.DoesNotContain("db", changed, StringComparison.Ordinal);
        Assert.True(changedIndex > index, $"index {changedIndex} after {index}");

        // Only invisible changes until the wait runs out: the same content with the same index (the one at which the
        // token first saw it), although the store moved on...
        var timedOut = GetAsync(server, webReader, $"/v1/catalog/services?index={changedIndex}&wait=1s");
        await Task.Delay(200);
        await RegisterAsync(server, management, "db", "db2");
        var (unchanged, unchangedIndex) = await timedOut;
        Assert.Equal(changed, unchanged);
        Assert.Equal(changedIndex, unchangedIndex);
        Assert.True(server.Server.Fsm.Current.AppliedIndex > changedIndex);

        // ...and a query with that index parks again instead of answering at once, until a visible change.
        var again = GetAsync(server, webReader, $"/v1/catalog/services?index={unchangedIndex}&wait=30s");
        await Task.Delay(700);
        Assert.False(again.IsCompleted, "a query at the token's own index answered although nothing it can see changed");
        await RegisterAsync(server, management, "web", "web3", """["v3"]""");
        var (visible, visibleIndex) = await again.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("v3", visible, StringComparison.Ordinal);
        Assert.True(visibleIndex > unchangedIndex, $"index {visibleIndex} after {unchangedIndex}");

        // A token that sees everything (management) follows the store's changes as before.
        var (all, _) = await GetAsync(server, management, "/v1/catalog/services");
        Assert.Contains("\"db\"", all, StringComparison.Ordinal);
    }

    private static async Task RegisterAsync(TestServer server, string token, string name, string id, string tags = "[]")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/agent/service/register")
        {
            Content = new StringContent($$"""{"Name":"{{name}}","ID":"{{id}}","Port":8080,"Tags":{{tags}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Consul-Token", token);
        using var response = await server.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string Body, long Index)> GetAsync(TestServer server, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Consul-Token", token);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), long.Parse(response.Headers.GetValues("X-Consul-Index").Single(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
