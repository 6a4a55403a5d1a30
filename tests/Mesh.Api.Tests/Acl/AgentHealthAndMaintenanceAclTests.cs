using System.Net;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>Default deny: agent health needs service:read, node maintenance node:write, service maintenance service:write.</summary>
public sealed class AgentHealthAndMaintenanceAclTests
{
    [Fact]
    public async Task WithoutPermission_403_WithIt_Allowed()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var _ = server;
        var name = Unique.Name("aclhs");
        (await server.AsAsync(management, HttpMethod.Put, "/v1/agent/service/register", $$$"""{"ID":"{{{name}}}","Name":"{{{name}}}","Port":80}""")).ExpectOk();
        var node = server.NodeName;
        var reader = await AclTestTokens.CreateAsync(server, "agent_prefix \"\" { policy = \"read\" }");

        (await server.AsAsync(null, HttpMethod.Get, $"/v1/agent/health/service/name/{name}")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(null, HttpMethod.Get, $"/v1/agent/health/service/id/{name}")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(reader, HttpMethod.Put, "/v1/agent/maintenance?enable=true")).Expect(HttpStatusCode.Forbidden);
        (await server.AsAsync(reader, HttpMethod.Put, $"/v1/agent/service/maintenance/{name}?enable=true")).Expect(HttpStatusCode.Forbidden);
        Assert.Null(server.Server.Fsm.Current.FindCheck(node, "_node_maintenance"));

        var serviceRead = await AclTestTokens.CreateAsync(server, $$"""service "{{name}}" { policy = "read" }""");
        (await server.AsAsync(serviceRead, HttpMethod.Get, $"/v1/agent/health/service/name/{name}")).ExpectOk();
        (await server.AsAsync(serviceRead, HttpMethod.Put, $"/v1/agent/service/maintenance/{name}?enable=true")).Expect(HttpStatusCode.Forbidden);

        var serviceWrite = await AclTestTokens.CreateAsync(server, $$"""service "{{name}}" { policy = "write" }""");
        (await server.AsAsync(serviceWrite, HttpMethod.Put, $"/v1/agent/service/maintenance/{name}?enable=true")).ExpectOk();
        (await server.AsAsync(serviceWrite, HttpMethod.Put, "/v1/agent/maintenance?enable=true")).Expect(HttpStatusCode.Forbidden);

        var nodeWrite = await AclTestTokens.CreateAsync(server, $$"""node "{{node}}" { policy = "write" }""");
        (await server.AsAsync(nodeWrite, HttpMethod.Put, "/v1/agent/maintenance?enable=true")).ExpectOk();
        Assert.NotNull(server.Server.Fsm.Current.FindCheck(node, "_node_maintenance"));
    }
}
