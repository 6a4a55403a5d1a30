using System.Net;
using System.Net.Sockets;
using Mesh.Fsm.Model;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Checks;

public sealed class DeregisterCriticalServiceTests
{
    [Fact]
    public async Task DeregisterCriticalServiceAfter_CriticalTooLong_RemovesServiceAndSidecar()
    {
        await using var server = await TestServer.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var openPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closedPort = FreePort.Next();
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"doomed","Check":{"CheckID":"doomed-tcp","TCP":"127.0.0.1:{{{closedPort}}}","Interval":"200ms","DeregisterCriticalServiceAfter":"1s"},
             "Connect":{"SidecarService":{} } }
            """);
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"healthy","Check":{"CheckID":"healthy-tcp","TCP":"127.0.0.1:{{{openPort}}}","Interval":"200ms","DeregisterCriticalServiceAfter":"1s"}}
            """);
        Assert.True(await AgentChecks.ServiceExistsAsync(server, "doomed"));
        Assert.True(await AgentChecks.ServiceExistsAsync(server, "doomed-sidecar-proxy"));

        await Eventually.ValueAsync(() => AgentChecks.ServiceExistsAsync(server, "doomed"), exists => !exists, TimeSpan.FromSeconds(15), "doomed to be deregistered");

        Assert.False(await AgentChecks.ServiceExistsAsync(server, "doomed-sidecar-proxy"));
        Assert.Equal(AgentChecks.CheckView.Missing, await AgentChecks.ReadAsync(server, "doomed-tcp"));
        Assert.True(await AgentChecks.ServiceExistsAsync(server, "healthy"));
        Assert.Equal(HealthStatus.Passing, (await AgentChecks.ReadAsync(server, "healthy-tcp")).Status);
    }
}
