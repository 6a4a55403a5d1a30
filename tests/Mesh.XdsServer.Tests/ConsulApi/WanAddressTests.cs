using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;
using Mesh.XdsServer.ConsulApi.ServerDiscovery;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.ConsulApi;

/// <summary>
/// <c>advertise_addr_wan</c> / <c>-advertise-wan</c>: the address WatchServers reports to a watcher asking for
/// <c>wan</c>, the node's <c>wan</c> tagged address and DebugConfig's <c>AdvertiseAddrWAN</c>; the LAN address otherwise.
/// </summary>
public sealed class WanAddressTests
{
    [Fact]
    public void ConfigFile_AdvertiseAddrWan_IsRead()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "agent.json");
        File.WriteAllText(path, """{"advertise_addr_wan":"198.18.0.7"}""");

        Assert.Equal("198.18.0.7", AgentConfigFile.Apply(new AgentConfig(), path).AdvertiseWanAddress);
        Assert.Null(new AgentConfig().AdvertiseWanAddress);
    }

    [Fact]
    public async Task WatchServers_WithWan_ReportsTheWanAddress_AndTheCatalogNodeCarriesIt()
    {
        await using var mesh = await XdsMesh.StartAsync(c => c with { AdvertiseWanAddress = "198.18.0.7" });
        using var clients = new ConsulApiClients(mesh.GrpcPort);

        using (var lan = clients.Servers.WatchServers(new WatchServersRequest(), ConsulApiClients.Bounded()))
        {
            var first = await ConsulApiClients.ReadUntilAsync(lan.ResponseStream, r => r.Servers.Count == 1);
            Assert.Equal("127.0.0.1", first.Servers[0].Address);
        }

        using (var wan = clients.Servers.WatchServers(new WatchServersRequest { Wan = true }, ConsulApiClients.Bounded()))
        {
            var first = await ConsulApiClients.ReadUntilAsync(wan.ResponseStream, r => r.Servers.Count == 1);
            Assert.Equal("198.18.0.7", first.Servers[0].Address);
        }

        var self = await mesh.Server.GetJsonAsync("/v1/agent/self");
        Assert.Equal("198.18.0.7", self.GetProperty("DebugConfig").GetProperty("AdvertiseAddrWAN").GetString());
        Assert.Equal("127.0.0.1", self.GetProperty("DebugConfig").GetProperty("AdvertiseAddrLAN").GetString());

        // The server registers its own node once it leads.
        var node = await mesh.Server.GetJsonAsync($"/v1/catalog/node/{mesh.Server.NodeName}");
        for (var attempt = 0; attempt < 100 && node.ValueKind != System.Text.Json.JsonValueKind.Object; attempt++)
        {
            await Task.Delay(200);
            node = await mesh.Server.GetJsonAsync($"/v1/catalog/node/{mesh.Server.NodeName}");
        }

        Assert.Equal("198.18.0.7", node.GetProperty("Node").GetProperty("TaggedAddresses").GetProperty("wan").GetString());
    }
}
