using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Fsm.Model;
using Mesh.Xds;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// How a terminating gateway treats what it links, through real store commands and the real builder: a service linked
/// before it exists is accepted and goes live when it is registered; the wildcard links every typical service; a
/// service without a leaf yet has its cluster but no filter chain; SNI on the link reaches the upstream TLS context.
/// </summary>
public sealed class TerminatingGatewayLinkTests
{
    private static readonly string FutureCluster = "future.default.dc1.internal." + MeshFixture.TrustDomain;

    [Fact]
    public void LinkingAServiceThatDoesNotExistYet_IsAccepted_AndTheServiceGoesLiveWhenRegistered()
    {
        var f = new MeshFixture();
        TerminatingScenarios.RegisterGateway(f);
        f.ConfigEntry("""{"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[{"Name":"future","CAFile":"ca.pem"}]}""");

        var before = f.Snapshot();
        var linked = Assert.Single(before.TerminatingGateway!.Services);
        Assert.Equal("future", linked.Name);
        Assert.Empty(linked.Instances);
        var set = ResourceGenerator.Generate(before);
        Assert.Empty(set.Of(XdsTypeUrls.Cluster));
        var listener = (Listener)Assert.Single(set.Of(XdsTypeUrls.Listener)).Value;
        Assert.Null(Assert.Single(listener.FilterChains).FilterChainMatch); // only the fallback chain

        f.Register("future-1", "127.10.1.9", new NodeService { Id = "future", Service = "future", Port = 443 });

        var after = ResourceGenerator.Generate(f.Snapshot());
        var cluster = (Cluster)after.Of(XdsTypeUrls.Cluster)[FutureCluster];
        Assert.Equal(Cluster.Types.DiscoveryType.Eds, cluster.Type);
        Assert.Equal("ca.pem", cluster.TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>().CommonTlsContext.ValidationContext.TrustedCa.Filename);
        Assert.True(after.Of(XdsTypeUrls.ClusterLoadAssignment).ContainsKey(FutureCluster));
        var chains = ((Listener)after.Of(XdsTypeUrls.Listener).Values.Single()).FilterChains;
        Assert.Equal([FutureCluster], chains[0].FilterChainMatch.ServerNames.ToList());
        Assert.Equal(2, chains.Count);
    }

    [Fact]
    public void AWildcardLink_LinksEveryTypicalService_AndAServiceWithoutALeafHasNoFilterChainYet()
    {
        var f = new MeshFixture();
        TerminatingScenarios.RegisterGateway(f);
        f.ConfigEntry("""{"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[{"Name":"*"},{"Name":"billing","SNI":"billing.example.com","CAFile":"ca.pem"}]}""");
        f.ConfigEntry("""{"Kind":"service-defaults","Name":"orders","Protocol":"http"}""");
        f.Register("orders-1", "127.10.1.7", new NodeService { Id = "orders", Service = "orders", Port = 80 });
        f.Register("billing-1", "127.10.1.8", new NodeService { Id = "billing", Service = "billing", Port = 443 });
        f.ServiceLeaf = service => service == "orders" ? TerminatingScenarios.LeafFor(service) : null;

        var snapshot = f.Snapshot();
        Assert.Equal(["billing", "orders"], snapshot.TerminatingGateway!.Services.Select(s => s.Name).ToList());
        var set = ResourceGenerator.Generate(snapshot);
        Assert.Equal(2, set.Of(XdsTypeUrls.Cluster).Count);

        var billing = (Cluster)set.Of(XdsTypeUrls.Cluster)["billing.default.dc1.internal." + MeshFixture.TrustDomain];
        var tls = billing.TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();
        Assert.Equal("billing.example.com", tls.Sni);
        Assert.Equal("billing.example.com", Assert.Single(tls.CommonTlsContext.ValidationContext.MatchTypedSubjectAltNames).Matcher.Exact);

        // orders has a leaf: its HTTP chain and route; billing has none yet: no chain, no route.
        var chains = ((Listener)set.Of(XdsTypeUrls.Listener).Values.Single()).FilterChains;
        Assert.Equal(["orders.default.dc1.internal." + MeshFixture.TrustDomain], chains[0].FilterChainMatch.ServerNames.ToList());
        Assert.Equal(2, chains.Count);
        var route = (RouteConfiguration)Assert.Single(set.Of(XdsTypeUrls.RouteConfiguration)).Value;
        Assert.True(route.VirtualHosts[0].Routes[0].Route_.AutoHostRewrite);
    }
}
