using System.Net;
using System.Net.Sockets;
using Mesh.Fsm.Model;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Checks;

public sealed class TcpCheckTests
{
    [Fact]
    public async Task TcpCheck_ListenerOpenThenClosed_PassesThenGoesCritical()
    {
        await using var server = await TestServer.StartAsync();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            await AgentChecks.RegisterServiceAsync(server, $$$"""
                {"Name":"web","Port":{{{port}}},"Check":{"TCP":"127.0.0.1:{{{port}}}","Interval":"200ms","Timeout":"1s"}}
                """);

            var passing = await AgentChecks.WaitForStatusAsync(server, "service:web", HealthStatus.Passing);
            Assert.Equal($"TCP connect 127.0.0.1:{port}: Success", passing.Output);

            listener.Stop();
            var critical = await AgentChecks.WaitForStatusAsync(server, "service:web", HealthStatus.Critical);
            Assert.Equal($"dial tcp 127.0.0.1:{port}: connect: connection refused", critical.Output);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task TcpCheck_StillPassing_WritesNoFurtherResults()
    {
        await using var server = await TestServer.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"steady","Port":{{{port}}},"Check":{"CheckID":"steady-tcp","TCP":"127.0.0.1:{{{port}}}","Interval":"100ms"}}
            """);
        var first = await AgentChecks.WaitForStatusAsync(server, "steady-tcp", HealthStatus.Passing);

        // Several more runs happen in this time; none of them changes status or output, so none is written.
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        var later = await AgentChecks.ReadAsync(server, "steady-tcp");
        Assert.Equal(HealthStatus.Passing, later.Status);
        Assert.Equal(first.ModifyIndex, later.ModifyIndex);
    }

    [Fact]
    public async Task TcpCheck_ReregisteredWithNewTarget_ProbesTheNewTarget()
    {
        await using var server = await TestServer.StartAsync();
        var closedPort = FreePort.Next();
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"moving","Check":{"CheckID":"moving-tcp","TCP":"127.0.0.1:{{{closedPort}}}","Interval":"200ms"}}
            """);
        var critical = await Eventually.ValueAsync(
            () => AgentChecks.ReadAsync(server, "moving-tcp"), c => c.Output.Contains("connection refused", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "the first probe");
        Assert.Equal(HealthStatus.Critical, critical.Status);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await AgentChecks.RegisterServiceAsync(server, $$$"""
            {"Name":"moving","Check":{"CheckID":"moving-tcp","TCP":"127.0.0.1:{{{port}}}","Interval":"200ms"}}
            """);

        var passing = await AgentChecks.WaitForStatusAsync(server, "moving-tcp", HealthStatus.Passing);
        Assert.Equal($"TCP connect 127.0.0.1:{port}: Success", passing.Output);
    }

    [Fact]
    public async Task TcpCheck_AddressWithoutPort_IsCriticalWithReason()
    {
        await using var server = await TestServer.StartAsync();
        await AgentChecks.RegisterServiceAsync(server, """
            {"Name":"noport","Check":{"CheckID":"noport-tcp","TCP":"127.0.0.1","Interval":"200ms"}}
            """);

        var check = await Eventually.ValueAsync(
            () => AgentChecks.ReadAsync(server, "noport-tcp"), c => c.Output.Length > 0, TimeSpan.FromSeconds(15), "a probe result");
        Assert.Equal(HealthStatus.Critical, check.Status);
        Assert.Contains("missing or invalid port", check.Output, StringComparison.Ordinal);
    }
}
