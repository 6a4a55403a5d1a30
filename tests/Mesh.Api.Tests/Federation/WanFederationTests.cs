using System.Net;
using Mesh.Acl;
using Mesh.Api.Tests.Acl;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Federation;

/// <summary>
/// Two real single-server datacenters on loopback, federated with <c>-retry-join-wan</c>: the datacenter list, reads
/// with <c>?dc=</c> forwarded to the other datacenter's server (plain and blocking), an unknown datacenter, and the
/// token checked by the datacenter that answers.
/// </summary>
public sealed class WanFederationTests
{
    [Fact]
    public async Task CatalogDatacenters_ListsTheLocalOneFirst_ThenTheOthers()
    {
        await using var federation = await TestFederation.StartAsync();

        Assert.Equal(["dc1", "dc2"], (await federation.Primary.GetOkJsonAsync("/v1/catalog/datacenters")).Strings());
        Assert.Equal(["dc2", "dc1"], (await federation.Secondary.GetOkJsonAsync("/v1/catalog/datacenters")).Strings());
    }

    [Fact]
    public async Task HealthServiceWithDc_AnswersTheOtherDatacentersInstances_AndItsIndex()
    {
        await using var federation = await TestFederation.StartAsync();
        await federation.Secondary.RegisterCatalogServiceAsync("node-dc2-a", "db", address: "127.20.1.1", port: 8080);
        await federation.Primary.RegisterCatalogServiceAsync("node-dc1-a", "db", address: "127.10.1.1", port: 8080);

        var remote = (await federation.Primary.GetAsync("/v1/health/service/db?dc=dc2")).ExpectOk();
        var local = (await federation.Secondary.GetAsync("/v1/health/service/db")).ExpectOk();
        Assert.Equal(["node-dc2-a"], remote.Json.EnumerateArray().Select(row => row.GetProperty("Node").GetProperty("Node").GetString()!));
        Assert.Equal("dc2", remote.Json[0].GetProperty("Node").GetProperty("Datacenter").GetString());
        Assert.Equal(local.Index, remote.Index);

        var catalog = await federation.Primary.GetOkJsonAsync("/v1/catalog/service/db?dc=dc2");
        Assert.Equal("127.20.1.1", catalog[0].GetProperty("Address").GetString());

        // The local datacenter's own rows are unchanged by federation.
        var own = await federation.Primary.GetOkJsonAsync("/v1/health/service/db");
        Assert.Equal("node-dc1-a", own[0].GetProperty("Node").GetProperty("Node").GetString());
    }

    [Fact]
    public async Task BlockingHealthQueryWithDc_WakesOnAChangeInTheOtherDatacenter()
    {
        await using var federation = await TestFederation.StartAsync();
        await federation.Secondary.RegisterCatalogServiceAsync("node-dc2-a", "db", address: "127.20.1.1");
        var first = (await federation.Primary.GetAsync("/v1/health/service/db?dc=dc2")).ExpectOk();

        var blocked = federation.Primary.GetAsync($"/v1/health/service/db?dc=dc2&index={first.Index}&wait=60s");
        await federation.Secondary.RegisterCatalogServiceAsync("node-dc2-b", "db", address: "127.20.1.2");
        var woken = (await blocked).ExpectOk();

        Assert.True(woken.Index > first.Index, $"index {woken.Index} after {first.Index}");
        Assert.Equal(2, woken.Json.GetArrayLength());
    }

    [Fact]
    public async Task ReadWithAnUnknownDc_IsAClear400_AndWritesElsewhereAreRefused()
    {
        await using var federation = await TestFederation.StartAsync();

        var unknown = (await federation.Primary.GetAsync("/v1/health/service/db?dc=dc9")).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("No path to datacenter \"dc9\"", unknown.Body, StringComparison.Ordinal);
        (await federation.Primary.GetAsync("/v1/catalog/service/db?dc=dc9")).Expect(HttpStatusCode.BadRequest);

        var write = await federation.Primary.SendAsync(HttpMethod.Put, "/v1/catalog/register?dc=dc2", """{"Node":"n","Address":"127.0.0.9"}""");
        write.Expect(HttpStatusCode.BadRequest);
        Assert.DoesNotContain((await federation.Secondary.GetOkJsonAsync("/v1/catalog/nodes")).EnumerateArray(), n => n.GetProperty("Node").GetString() == "n");
    }

    [Fact]
    public async Task WithAclsOn_TheOtherDatacenterChecksTheForwardedToken()
    {
        var acl = new AclConfig { Enabled = true, DefaultPolicy = Mesh.Acl.Authorization.AclDefaultPolicy.Deny };
        await using var federation = await TestFederation.StartAsync(config => config with { Acl = acl });
        await AclApiServer.WaitForLeaderDutiesAsync(federation.Primary);
        await AclApiServer.WaitForLeaderDutiesAsync(federation.Secondary);
        var management = await AclTestTokens.ManagementAsync(federation.Secondary);
        (await federation.Secondary.AsAsync(management, HttpMethod.Put, "/v1/catalog/register",
            """{"Node":"node-dc2-a","Address":"127.20.1.1","Service":{"ID":"db","Service":"db","Port":8080}}""")).ExpectOk();

        // A token dc2 does not know: dc2 refuses it (tokens are not replicated, so dc1 does not judge it).
        var unknown = await federation.Primary.AsAsync(Guid.NewGuid().ToString(), HttpMethod.Get, "/v1/health/service/db?dc=dc2");
        unknown.Expect(HttpStatusCode.Forbidden);

        // Anonymous under default deny: the rows are filtered out there.
        var anonymous = (await federation.Primary.AsAsync(null, HttpMethod.Get, "/v1/health/service/db?dc=dc2")).ExpectOk();
        Assert.Equal(0, anonymous.Json.GetArrayLength());

        // A dc2 token that may read db and its node sees the row.
        var reader = await AclTestTokens.CreateAsync(federation.Secondary, """service "db" { policy = "read" } node_prefix "" { policy = "read" }""");
        var allowed = (await federation.Primary.AsAsync(reader, HttpMethod.Get, "/v1/health/service/db?dc=dc2")).ExpectOk();
        Assert.Equal(1, allowed.Json.GetArrayLength());
    }
}
