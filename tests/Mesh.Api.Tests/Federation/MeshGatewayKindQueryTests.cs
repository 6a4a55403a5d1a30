using Mesh.Acl;
using Mesh.Api.Tests.Acl;
using Mesh.Api.Tests.Support;
using Mesh.Server.Federation;
using Mesh.Testing;

namespace Mesh.Api.Tests.Federation;

/// <summary>
/// The query by service kind one datacenter asks another over the WAN (what a mesh gateway follows), on two real
/// federated servers with ACLs on: dc2 judges dc1's token, filtering by service:read on each gateway as the service
/// queries do, and refuses a token it does not know.
/// </summary>
public sealed class MeshGatewayKindQueryTests
{
    [Fact]
    public async Task TheOtherDatacenter_AnswersOnlyTheGatewaysTheTokenMayRead()
    {
        var acl = new AclConfig { Enabled = true, DefaultPolicy = Mesh.Acl.Authorization.AclDefaultPolicy.Deny };
        await using var federation = await TestFederation.StartAsync(config => config with { Acl = acl });
        await AclApiServer.WaitForLeaderDutiesAsync(federation.Primary);
        await AclApiServer.WaitForLeaderDutiesAsync(federation.Secondary);
        var management = await AclTestTokens.ManagementAsync(federation.Secondary);
        foreach (var (node, service) in new[] { ("node-mgw-a", "mesh-gateway"), ("node-mgw-b", "mesh-gateway-east") })
        {
            (await federation.Secondary.AsAsync(management, HttpMethod.Put, "/v1/catalog/register", $$$"""
                {"Node":"{{{node}}}","Address":"127.20.0.5","Service":{"Kind":"mesh-gateway","ID":"{{{service}}}","Service":"{{{service}}}","Port":8443}}
                """)).ExpectOk();
        }

        (await federation.Secondary.AsAsync(management, HttpMethod.Put, "/v1/catalog/register",
            """{"Node":"node-db","Address":"127.20.1.1","Service":{"ID":"db","Service":"db","Port":8080}}""")).ExpectOk();

        var wan = federation.Primary.Server.Runtime.Wan!.Value;
        Task<DatacenterHealth> Gateways(string token)
            => wan.QueryAsync(new DatacenterHealthQuery { Datacenter = "dc2", Kind = "mesh-gateway", Token = token }, CancellationToken.None).AsTask();

        // Anonymous under default deny: nothing.
        Assert.Empty((await Gateways(string.Empty)).Rows);

        // May read one gateway (and the nodes): only that one, never db (another kind).
        var one = await AclTestTokens.CreateAsync(federation.Secondary, """service "mesh-gateway" { policy = "read" } node_prefix "" { policy = "read" }""");
        Assert.Equal(["mesh-gateway"], (await Gateways(one)).Rows.Select(row => row.Service.Service));

        var all = await AclTestTokens.CreateAsync(federation.Secondary, """service_prefix "" { policy = "read" } node_prefix "" { policy = "read" }""");
        Assert.Equal(["mesh-gateway", "mesh-gateway-east"], (await Gateways(all)).Rows.Select(row => row.Service.Service).Order(StringComparer.Ordinal));

        // A token dc2 does not know is refused there.
        var refused = await Assert.ThrowsAsync<DatacenterQueryException>(() => Gateways(Guid.NewGuid().ToString()));
        Assert.True(refused.PermissionDenied);
    }
}
