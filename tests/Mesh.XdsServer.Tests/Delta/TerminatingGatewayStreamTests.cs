using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// A delta ADS stream opened as a terminating gateway in a real server (real CA and leaf cache): a complete, decodable
/// set of clusters, endpoints, listeners and routes, with a filter chain per linked service presenting that service's
/// own leaf (signed by the mesh CA); linking another service in the config entry pushes only what changed.
/// </summary>
public sealed class TerminatingGatewayStreamTests
{
    private const string GatewayId = "terminating-gateway-1";
    private const string Listener = "default:127.0.0.50:8443";

    [Fact]
    public async Task ATerminatingGatewayStream_GetsItsResources_AndALinkedServicePushesOnlyTheChange()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await mesh.RegisterAsync("""{"Node":"ext-web","Address":"127.0.0.61","Service":{"ID":"web","Service":"web","Port":8080}}""");
        await mesh.RegisterAsync("""{"Node":"ext-billing","Address":"127.0.0.62","Service":{"ID":"billing","Service":"billing","Address":"billing.example.test","Port":443}}""");
        await mesh.RegisterAsync("""{"Node":"ext-payments","Address":"127.0.0.63","Service":{"ID":"payments","Service":"payments","Port":9000}}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        await mesh.RegisterAsync("""{"Node":"node-edge","Address":"127.0.0.50","Service":{"Kind":"terminating-gateway","ID":"terminating-gateway-1","Service":"terminating-gateway","Port":8443}}""");
        await mesh.WriteConfigAsync("""
            {"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[
              {"Name":"web","CAFile":"/etc/ssl/web-ca.pem"},{"Name":"billing"}]}
            """);

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();
        var trustDomain = await WaitForChainsAsync(envoy, ["billing", "web"]);
        var web = "web.default.dc1.internal." + trustDomain;
        var billing = "billing.default.dc1.internal." + trustDomain;
        var payments = "payments.default.dc1.internal." + trustDomain;
        if (!envoy.HeldOf(XdsTypeUrls.RouteConfiguration).ContainsKey(web))
        {
            await envoy.SubscribeAsync(XdsTypeUrls.RouteConfiguration, envoy.RouteNames());
            await envoy.ReceiveUntilAsync(XdsTypeUrls.RouteConfiguration);
        }

        // Clusters: web by EDS with TLS origination from the link's CA file, billing (a hostname) by DNS.
        Assert.Equal([billing, web], envoy.HeldOf(XdsTypeUrls.Cluster).Keys.Order(StringComparer.Ordinal).ToList());
        var webCluster = envoy.Resource<Cluster>(XdsTypeUrls.Cluster, web);
        Assert.Equal(Cluster.Types.DiscoveryType.Eds, webCluster.Type);
        Assert.Equal("/etc/ssl/web-ca.pem", webCluster.TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>().CommonTlsContext.ValidationContext.TrustedCa.Filename);
        var billingCluster = envoy.Resource<Cluster>(XdsTypeUrls.Cluster, billing);
        Assert.Equal(Cluster.Types.DiscoveryType.LogicalDns, billingCluster.Type);
        Assert.Equal("billing.example.test", billingCluster.LoadAssignment.Endpoints[0].LbEndpoints[0].Endpoint.Address.SocketAddress.Address);

        // Endpoints: web's one instance, at its node's address.
        var endpoints = envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, web);
        Assert.Equal("127.0.0.61", Assert.Single(endpoints.Endpoints.SelectMany(l => l.LbEndpoints)).Endpoint.Address.SocketAddress.Address);

        // The listener: a chain per linked service presenting that service's own leaf, then the fallback chain.
        var listener = envoy.Resource<Listener>(XdsTypeUrls.Listener, Listener);
        Assert.Equal([Listener], envoy.HeldOf(XdsTypeUrls.Listener).Keys.ToList());
        var webChain = listener.FilterChains.Single(chain => chain.FilterChainMatch?.ServerNames.Contains(web) == true);
        var leafPem = webChain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>().CommonTlsContext.TlsCertificates[0].CertificateChain.InlineString;
        using (var leaf = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(leafPem))
        {
            Assert.Contains("/svc/web", leaf.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.UrlName, forIssuer: false), StringComparison.Ordinal);
        }

        // The route of the HTTP service: its cluster, Host rewritten.
        var route = envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, web);
        Assert.True(route.VirtualHosts[0].Routes[0].Route_.AutoHostRewrite);
        var heldClusters = envoy.HeldOf(XdsTypeUrls.Cluster).ToDictionary(p => p.Key, p => p.Value);
        var heldRoute = envoy.HeldOf(XdsTypeUrls.RouteConfiguration)[web];

        await mesh.WriteConfigAsync("""
            {"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[
              {"Name":"web","CAFile":"/etc/ssl/web-ca.pem"},{"Name":"billing"},{"Name":"payments"}]}
            """);

        // The new service's cluster and endpoints and the listener change; web's and billing's clusters and web's route stay.
        var pushed = new List<Envoy.Service.Discovery.V3.DeltaDiscoveryResponse>();
        while (!envoy.HeldOf(XdsTypeUrls.Cluster).ContainsKey(payments) || ChainNames(envoy).Count != 3)
        {
            var response = await envoy.ReceiveAsync();
            pushed.Add(response);
            await envoy.AckAsync(response);
        }

        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, [payments]);
        pushed.AddRange(await envoy.ReceiveUntilAsync(XdsTypeUrls.ClusterLoadAssignment));
        var pushedNames = pushed.SelectMany(r => r.Resources.Select(res => r.TypeUrl + " " + res.Name)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(XdsTypeUrls.Cluster + " " + payments, pushedNames);
        Assert.Contains(XdsTypeUrls.ClusterLoadAssignment + " " + payments, pushedNames);
        Assert.Contains(XdsTypeUrls.Listener + " " + Listener, pushedNames);

        // Besides those, only web's route comes again, unchanged: the listener naming it was re-sent, and Envoy drops a
        // re-sent listener's routes (the xDS server re-sends a parent's children, as Consul's does).
        var resentRoute = XdsTypeUrls.RouteConfiguration + " " + web;
        Assert.True(pushedNames.All(name => name.EndsWith(payments, StringComparison.Ordinal) || name.EndsWith(Listener, StringComparison.Ordinal) || name == resentRoute),
            string.Join("\n", pushedNames));
        Assert.Equal(heldClusters[web], envoy.HeldOf(XdsTypeUrls.Cluster)[web]);
        Assert.Equal(heldClusters[billing], envoy.HeldOf(XdsTypeUrls.Cluster)[billing]);
        Assert.Equal(heldRoute, envoy.HeldOf(XdsTypeUrls.RouteConfiguration)[web]);
        Assert.Equal("127.0.0.63", Assert.Single(envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, payments)
            .Endpoints.SelectMany(l => l.LbEndpoints)).Endpoint.Address.SocketAddress.Address);
    }

    [Fact]
    public async Task LinkingAServiceThatDoesNotExistYet_IsAccepted_AndItGoesLiveOnTheStreamWhenRegistered()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await mesh.RegisterAsync("""{"Node":"node-edge","Address":"127.0.0.50","Service":{"Kind":"terminating-gateway","ID":"terminating-gateway-1","Service":"terminating-gateway","Port":8443}}""");

        // Accepted (WriteConfigAsync asserts a 2xx) though no instance of "later" is registered, as in Consul.
        await mesh.WriteConfigAsync("""{"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[{"Name":"later"}]}""");
        var links = await mesh.Server.GetJsonAsync("/v1/catalog/gateway-services/terminating-gateway");
        Assert.Equal("later", Assert.Single(links.EnumerateArray()).GetProperty("Service").GetProperty("Name").GetString());

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();
        Assert.Empty(envoy.HeldOf(XdsTypeUrls.Cluster));
        Assert.Empty(ChainNames(envoy)); // only the fallback chain
        Assert.Single(envoy.Resource<Listener>(XdsTypeUrls.Listener, Listener).FilterChains);

        await mesh.RegisterAsync("""{"Node":"ext-later","Address":"127.0.0.64","Service":{"ID":"later","Service":"later","Port":7000}}""");
        var trustDomain = await WaitForChainsAsync(envoy, ["later"]);
        while (!envoy.HeldOf(XdsTypeUrls.Cluster).ContainsKey("later.default.dc1.internal." + trustDomain))
        {
            await envoy.AckAsync(await envoy.ReceiveAsync());
        }

        Assert.NotNull(envoy.Resource<Cluster>(XdsTypeUrls.Cluster, "later.default.dc1.internal." + trustDomain));
    }

    /// <summary>
    /// Receives until the listener has a chain for each of <paramref name="services"/> (each linked service's leaf is
    /// issued on its own, so the first listener may have only the fallback chain); returns the trust domain.
    /// </summary>
    private static async Task<string> WaitForChainsAsync(DeltaAdsClient envoy, IReadOnlyList<string> services)
    {
        while (ChainNames(envoy).Count != services.Count)
        {
            await envoy.AckAsync(await envoy.ReceiveAsync());
        }

        var names = ChainNames(envoy);
        Assert.Equal(services, names.Select(name => name.Split('.')[0]).ToList());
        return names[0][(names[0].IndexOf(".internal.", StringComparison.Ordinal) + ".internal.".Length)..];
    }

    private static List<string> ChainNames(DeltaAdsClient envoy)
        => envoy.HeldOf(XdsTypeUrls.Listener).ContainsKey(Listener)
            ? [.. envoy.Resource<Listener>(XdsTypeUrls.Listener, Listener).FilterChains
                .Where(chain => chain.FilterChainMatch is not null)
                .Select(chain => chain.FilterChainMatch.ServerNames[0])]
            : [];
}
