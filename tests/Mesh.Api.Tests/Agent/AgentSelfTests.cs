using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

public sealed class AgentSelfTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Self_ReturnsNodeNameDatacenterAndXdsPort()
    {
        var self = await _server.GetOkJsonAsync("/v1/agent/self");

        var config = self.GetProperty("Config");
        Assert.Equal(_server.NodeName, config.GetProperty("NodeName").GetString());
        Assert.Equal("dc1", config.GetProperty("Datacenter").GetString());
        Assert.True(config.GetProperty("Server").GetBoolean());
        Assert.False(string.IsNullOrEmpty(config.GetProperty("NodeID").GetString()));
        var xds = self.GetProperty("XDS");
        Assert.Equal(_server.Server.Config.GrpcPort, xds.GetProperty("Port").GetInt32());
        Assert.Equal(_server.Server.Config.GrpcPort, xds.GetProperty("Ports").GetProperty("Plaintext").GetInt32());
        Assert.NotEmpty(xds.GetProperty("SupportedProxies").GetProperty("envoy").Strings());
        Assert.Equal(_server.NodeName, self.GetProperty("Member").GetProperty("Name").GetString());
    }
}
