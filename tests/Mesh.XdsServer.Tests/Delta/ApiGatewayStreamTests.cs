using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// A delta ADS stream opened as an API gateway registered through the HTTP API, with an inline certificate, an http
/// listener and an http-route written through <c>/v1/config</c>: a complete, decodable set (the routed service's
/// cluster and endpoints, the TLS listener, the route); a second http-route pushes only the new cluster and the route.
/// </summary>
public sealed class ApiGatewayStreamTests
{
    private const string GatewayId = "api-gateway-1";

    [Fact]
    public async Task AnApiGatewayStream_GetsItsResources_AndANewRoutePushesOnlyTheChange()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await mesh.RegisterDbAsync(1);
        await XdsMesh.RegisterAsync(mesh.Server, """{"Node":"node-edge","Address":"127.0.0.70","Service":{"Kind":"api-gateway","ID":"api-gateway-1","Service":"api-gateway"}}""");
        // Services routed by http-routes speak HTTP (Consul's controller refuses to bind a route to a tcp service).
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"db","Protocol":"http"}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"api","Protocol":"http"}""");
        await mesh.WriteConfigAsync(Certificate());
        await mesh.WriteConfigAsync("""
            {"Kind":"api-gateway","Name":"api-gateway","Listeners":[
              {"Name":"web","Port":8080,"Protocol":"http","TLS":{"Certificates":[{"Kind":"inline-certificate","Name":"certificate"}]}}]}
            """);
        await mesh.WriteConfigAsync("""
            {"Kind":"http-route","Name":"db-route","Parents":[{"Kind":"api-gateway","Name":"api-gateway","SectionName":"web"}],
             "Rules":[{"Matches":[{"Path":{"Match":"prefix","Value":"/db"}}],"Services":[{"Name":"db"}]}]}
            """);

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();

        var db = Assert.Single(envoy.HeldOf(XdsTypeUrls.Cluster).Keys);
        Assert.StartsWith("db.default.dc1.internal.", db, StringComparison.Ordinal);
        Assert.NotNull(envoy.Resource<Cluster>(XdsTypeUrls.Cluster, db).TransportSocket);
        Assert.Equal(1, envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, db).Endpoints.Sum(l => l.LbEndpoints.Count));
        var listener = envoy.Resource<Listener>(XdsTypeUrls.Listener, Assert.Single(envoy.HeldOf(XdsTypeUrls.Listener).Keys));
        Assert.Equal("http:127.0.0.70:8080", listener.Name);
        Assert.NotNull(Assert.Single(listener.FilterChains).TransportSocket);
        var route = envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "8080");
        var host = Assert.Single(route.VirtualHosts);
        Assert.Equal(["*", "*:8080"], host.Domains);
        Assert.Equal("/db", Assert.Single(host.Routes).Match.Prefix);

        var heldListener = envoy.HeldOf(XdsTypeUrls.Listener)[listener.Name];
        var heldDb = envoy.HeldOf(XdsTypeUrls.Cluster)[db];
        await mesh.WriteConfigAsync("""
            {"Kind":"http-route","Name":"api-route","Hostnames":["api.example.com"],"Parents":[{"Kind":"api-gateway","Name":"api-gateway"}],
             "Rules":[{"Services":[{"Name":"api"}]}]}
            """);

        // The new service's cluster and the 8080 route change; db's cluster and the listener stay as they were.
        var pushed = new List<Envoy.Service.Discovery.V3.DeltaDiscoveryResponse>();
        while (envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "8080").VirtualHosts.Count < 2)
        {
            var response = await envoy.ReceiveAsync();
            pushed.Add(response);
            await envoy.AckAsync(response);
        }

        var pushedNames = pushed.SelectMany(r => r.Resources.Select(res => res.Name)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(pushedNames, name => name.StartsWith("api.default.dc1.internal.", StringComparison.Ordinal));
        Assert.Contains("8080", pushedNames);
        Assert.DoesNotContain(db, pushedNames);
        Assert.DoesNotContain(listener.Name, pushedNames);
        Assert.Equal(heldListener, envoy.HeldOf(XdsTypeUrls.Listener)[listener.Name]);
        Assert.Equal(heldDb, envoy.HeldOf(XdsTypeUrls.Cluster)[db]);
        Assert.Contains(envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "8080").VirtualHosts,
            virtualHost => virtualHost.Domains.Contains("api.example.com"));
    }

    /// <summary>An inline-certificate entry with a fresh self-signed RSA 2048 certificate for gateway.example.com.</summary>
    private static string Certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=gateway.example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("gateway.example.com");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Kind"] = "inline-certificate",
            ["Name"] = "certificate",
            ["Certificate"] = certificate.ExportCertificatePem(),
            ["PrivateKey"] = key.ExportPkcs8PrivateKeyPem(),
        });
    }
}
