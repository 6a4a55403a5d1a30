using Mesh.Fsm.Model;
using Mesh.ProxyCfg.Tests.Support;

namespace Mesh.ProxyCfg.Tests;

/// <summary>
/// What an ingress gateway asks its leaf to name (Consul's <c>generateIngressDNSSANs</c>): nothing without the mesh
/// CA's TLS; with it on at the gateway or on one listener, the <c>*.ingress</c> wildcards of the domain and of the
/// datacenter (fully qualified) and every exposed service's Hosts, across all listeners.
/// </summary>
public sealed class IngressLeafNamesTests
{
    [Fact]
    public void Of_TlsOff_NamesNothing()
    {
        var store = Gateway("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"web","Hosts":["web.example.com"]}]}]}""");

        Assert.Empty(IngressLeafNames.Of(store.State, "ingress-gateway", MeshStore.Self()));
        Assert.Empty(SnapshotBuilder.LeafRequestFor(store.State, GatewayService(), MeshStore.Self()).DnsSans);
    }

    [Fact]
    public void Of_TlsOnOneListener_NamesWildcardsAndEveryListenersHosts()
    {
        var store = Gateway("""
            {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
              {"Port":8080,"Protocol":"http","TLS":{"Enabled":true},"Services":[{"Name":"web","Hosts":["web.example.com","www.example.com"]}]},
              {"Port":9090,"Protocol":"http","Services":[{"Name":"api","Hosts":["api.example.com"]}]}]}
            """);
        var self = MeshStore.Self() with { Domain = "mesh.internal" };

        var names = IngressLeafNames.Of(store.State, "ingress-gateway", self);
        var request = SnapshotBuilder.LeafRequestFor(store.State, GatewayService(), self);

        Assert.Equal(["*.ingress.mesh.internal.", "*.ingress.dc1.mesh.internal.", "api.example.com", "web.example.com", "www.example.com"], names);
        Assert.Equal("ingress-gateway", request.Service);
        Assert.Equal(names.Order(StringComparer.Ordinal), request.DnsSans);
    }

    [Fact]
    public void Of_NoEntry_NamesNothing()
        => Assert.Empty(IngressLeafNames.Of(new MeshStore().State, "ingress-gateway", MeshStore.Self()));

    private static MeshStore Gateway(string entry)
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.Register("node-edge", "127.0.0.50", GatewayService());
        store.ConfigEntry(entry);
        return store;
    }

    private static NodeService GatewayService() => new() { Kind = ServiceKind.IngressGateway, Id = "ingress-gateway-1", Service = "ingress-gateway", Port = 8443 };
}
