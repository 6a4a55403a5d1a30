using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// A delta ADS stream opened as an ingress gateway (found by its service ID alone, as an Envoy bootstrapped by
/// <c>connect envoy -gateway=ingress</c> without node metadata would be): a complete, decodable set of clusters,
/// endpoints, listeners and routes; adding a service to the gateway's config entry pushes only what changed.
/// </summary>
public sealed class IngressGatewayStreamTests
{
    private const string GatewayId = "ingress-gateway-1";

    [Fact]
    public async Task AnIngressGatewayStream_GetsItsResources_AndAnAddedServicePushesOnlyTheChange()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await mesh.RegisterDbAsync(1);
        await XdsMesh.RegisterAsync(mesh.Server, """{"Node":"node-edge","Address":"127.0.0.50","Service":{"Kind":"ingress-gateway","ID":"ingress-gateway-1","Service":"ingress-gateway","Port":8443}}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"api","Protocol":"http"}""");
        await mesh.WriteConfigAsync("""
            {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
              {"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]},
              {"Port":9090,"Protocol":"http","Services":[{"Name":"web"}]}]}
            """);

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();

        var clusters = envoy.HeldOf(XdsTypeUrls.Cluster).Keys.ToList();
        Assert.Contains(clusters, name => name.StartsWith("db.default.dc1.internal.", StringComparison.Ordinal));
        Assert.Contains(clusters, name => name.StartsWith("web.default.dc1.internal.", StringComparison.Ordinal));
        foreach (var name in clusters)
        {
            Assert.NotNull(envoy.Resource<Cluster>(XdsTypeUrls.Cluster, name));
        }

        var db = clusters.Single(name => name.StartsWith("db.", StringComparison.Ordinal));
        var endpoints = envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, db);
        Assert.Equal(1, endpoints.Endpoints.Sum(l => l.LbEndpoints.Count));

        var listeners = envoy.HeldOf(XdsTypeUrls.Listener).Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["db:127.0.0.50:8080", "http:127.0.0.50:9090"], listeners);
        Assert.All(listeners, name => Assert.NotNull(envoy.Resource<Listener>(XdsTypeUrls.Listener, name)));
        var route = envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "9090");
        Assert.Contains(route.VirtualHosts, host => host.Domains.Contains("web.ingress.*"));

        var heldClusters = envoy.HeldOf(XdsTypeUrls.Cluster).ToDictionary(p => p.Key, p => p.Value);
        await mesh.WriteConfigAsync("""
            {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
              {"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]},
              {"Port":9090,"Protocol":"http","Services":[{"Name":"web"},{"Name":"api"}]}]}
            """);

        // The new service's cluster and the 9090 route change; db's cluster and both listeners stay as they were.
        var pushed = new List<Envoy.Service.Discovery.V3.DeltaDiscoveryResponse>();
        while (!envoy.HeldOf(XdsTypeUrls.RouteConfiguration).ContainsKey("9090")
               || !envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "9090").VirtualHosts.Any(h => h.Domains.Contains("api.ingress.*")))
        {
            var response = await envoy.ReceiveAsync();
            pushed.Add(response);
            await envoy.AckAsync(response);
        }

        var pushedNames = pushed.SelectMany(r => r.Resources.Select(res => res.Name)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(pushedNames, name => name.StartsWith("api.default.dc1.internal.", StringComparison.Ordinal));
        Assert.Contains("9090", pushedNames);
        Assert.DoesNotContain(db, pushedNames);
        Assert.DoesNotContain("db:127.0.0.50:8080", pushedNames);
        Assert.Equal(heldClusters[db], envoy.HeldOf(XdsTypeUrls.Cluster)[db]);
    }
}
