using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Status;

public sealed class StatusEndpointsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Leader_SingleServer_IsItsOwnRaftAddress()
    {
        var leader = await _server.GetOkJsonAsync("/v1/status/leader");

        Assert.Equal($"127.0.0.1:{_server.Server.Config.ServerPort}", leader.GetString());
    }

    [Fact]
    public async Task Peers_SingleServer_ListsOnlyItself()
    {
        var peers = await _server.GetOkJsonAsync("/v1/status/peers");

        Assert.Equal([$"127.0.0.1:{_server.Server.Config.ServerPort}"], peers.Strings());
    }
}
