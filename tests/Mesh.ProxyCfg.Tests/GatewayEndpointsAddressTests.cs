using Mesh.Fsm.Model;

namespace Mesh.ProxyCfg.Tests;

/// <summary>Which address a mesh gateway is dialled at: Consul's <c>CheckServiceNode.BestAddress</c>, WAN and LAN.</summary>
public sealed class GatewayEndpointsAddressTests
{
    private static readonly Node NodeWithWan = new()
    {
        Name = "gw-node",
        Address = "10.0.0.1",
        TaggedAddresses = new Dictionary<string, string> { ["wan"] = "192.0.2.1" },
    };

    [Fact]
    public void Wan_PrefersTheServicesWanTaggedAddress()
    {
        var gateway = Gateway(address: "10.0.0.5", wan: new ServiceAddress { Address = "198.51.100.5", Port = 443 });

        Assert.Equal(("198.51.100.5", 443), GatewayEndpoints.WanAddress(NodeWithWan, gateway));
    }

    [Fact]
    public void Wan_WithoutATaggedAddress_TakesTheServiceAddressBeforeTheNodesWan()
    {
        Assert.Equal(("10.0.0.5", 8443), GatewayEndpoints.WanAddress(NodeWithWan, Gateway(address: "10.0.0.5")));
    }

    [Fact]
    public void Wan_WithoutServiceAddresses_TakesTheNodesWanTaggedAddress_ThenTheNodesAddress()
    {
        Assert.Equal(("192.0.2.1", 8443), GatewayEndpoints.WanAddress(NodeWithWan, Gateway(address: string.Empty)));
        Assert.Equal(("10.0.0.1", 8443), GatewayEndpoints.WanAddress(NodeWithWan with { TaggedAddresses = new Dictionary<string, string>() }, Gateway(address: string.Empty)));
    }

    [Fact]
    public void Lan_IgnoresTaggedAddresses_ServiceAddressElseNodeAddress()
    {
        var tagged = Gateway(address: "10.0.0.5", wan: new ServiceAddress { Address = "198.51.100.5", Port = 443 }, lan: new ServiceAddress { Address = "10.9.9.9", Port = 9 });

        Assert.Equal(("10.0.0.5", 8443), GatewayEndpoints.LanAddress(NodeWithWan, tagged));
        Assert.Equal(("10.0.0.1", 8443), GatewayEndpoints.LanAddress(NodeWithWan, Gateway(address: string.Empty)));
    }

    private static NodeService Gateway(string address, ServiceAddress? wan = null, ServiceAddress? lan = null)
    {
        var tagged = new Dictionary<string, ServiceAddress>();
        if (wan is not null)
        {
            tagged["wan"] = wan;
        }

        if (lan is not null)
        {
            tagged["lan"] = lan;
        }

        return new NodeService { Kind = ServiceKind.MeshGateway, Id = "mesh-gateway", Service = "mesh-gateway", Address = address, Port = 8443, TaggedAddresses = tagged };
    }
}
