using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>Default deny: the autopilot, usage and transfer-leader endpoints need operator:read / operator:write.</summary>
public sealed class OperatorAclTests
{
    [Fact]
    public async Task OperatorEndpoints_403WithoutOperator_AllowedWithIt()
    {
        var (server, _) = await AclApiServer.StartAsync();
        await using var _s = server;
        var other = await AclTestTokens.CreateAsync(server, "node_prefix \"\" { policy = \"write\" }");
        var read = await AclTestTokens.CreateAsync(server, "operator = \"read\"");
        var write = await AclTestTokens.CreateAsync(server, "operator = \"write\"");
        string[] reads = ["/v1/operator/autopilot/configuration", "/v1/operator/autopilot/state", "/v1/operator/usage"];
        foreach (var path in reads)
        {
            (await server.AsAsync(null, HttpMethod.Get, path)).Expect(HttpStatusCode.Forbidden);
            (await server.AsAsync(other, HttpMethod.Get, path)).Expect(HttpStatusCode.Forbidden);
            (await server.AsAsync(read, HttpMethod.Get, path)).ExpectOk();
        }

        var before = server.Server.Fsm.Current.Autopilot;
        (await server.AsAsync(read, HttpMethod.Put, "/v1/operator/autopilot/configuration", """{"CleanupDeadServers":false}""")).Expect(HttpStatusCode.Forbidden);
        Assert.Equal(before, server.Server.Fsm.Current.Autopilot);
        (await server.AsAsync(read, HttpMethod.Post, "/v1/operator/raft/transfer-leader")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(write, HttpMethod.Put, "/v1/operator/autopilot/configuration", """{"CleanupDeadServers":false}""")).ExpectOk();
        Assert.False(server.Server.Fsm.Current.Autopilot!.CleanupDeadServers);

        // With the permission, the single server's refusal is a 400, not a 403.
        (await server.AsAsync(write, HttpMethod.Post, "/v1/operator/raft/transfer-leader")).Expect(HttpStatusCode.BadRequest);
    }
}
