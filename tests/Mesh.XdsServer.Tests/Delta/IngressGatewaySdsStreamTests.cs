using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// An ingress gateway whose entry (written through <c>/v1/config</c>) takes its certificates from SDS, at the gateway
/// level and for one service: over delta ADS the gateway receives the listener with the service's SNI chain and the
/// default chain, each decoding to an SDS secret config, and both route configurations.
/// </summary>
public sealed class IngressGatewaySdsStreamTests
{
    private const string GatewayId = "ingress-gateway-sds";

    [Fact]
    public async Task AnIngressGatewayWithSds_GetsTheSdsListenerAndItsRoutes_Decodable()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await mesh.RegisterDbAsync(1);
        await XdsMesh.RegisterAsync(mesh.Server, """{"Node":"node-edge","Address":"127.0.0.51","Service":{"Kind":"ingress-gateway","ID":"ingress-gateway-sds","Service":"ingress-gateway","Port":8443}}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"api","Protocol":"http"}""");
        await mesh.WriteConfigAsync("""
            {"Kind":"ingress-gateway","Name":"ingress-gateway","TLS":{"SDS":{"ClusterName":"sds-cluster","CertResource":"gateway-cert"}},"Listeners":[
              {"Port":9090,"Protocol":"http","Services":[
                {"Name":"web","Hosts":["web.example.com"],"TLS":{"SDS":{"CertResource":"web-cert"}}},
                {"Name":"api"}]}]}
            """);

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();

        var listener = envoy.Resource<Listener>(XdsTypeUrls.Listener, "http:127.0.0.51:9090");
        Assert.Equal(2, listener.FilterChains.Count);
        Assert.Equal(["web.example.com"], listener.FilterChains[0].FilterChainMatch.ServerNames);
        Assert.Equal(("web-cert", "sds-cluster"), Secret(listener.FilterChains[0]));
        Assert.Equal(("gateway-cert", "sds-cluster"), Secret(listener.FilterChains[1]));
        Assert.Equal("9090_web", listener.FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>().Rds.RouteConfigName);
        Assert.Equal("9090", listener.FilterChains[1].Filters[0].TypedConfig.Unpack<HttpConnectionManager>().Rds.RouteConfigName);

        var web = envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "9090_web");
        Assert.Contains("web.example.com", Assert.Single(web.VirtualHosts).Domains);
        var shared = envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "9090");
        Assert.Contains("api.ingress.*", Assert.Single(shared.VirtualHosts).Domains);
    }

    private static (string CertResource, string Cluster) Secret(FilterChain chain)
    {
        var context = chain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();
        var secret = Assert.Single(context.CommonTlsContext.TlsCertificateSdsSecretConfigs);
        return (secret.Name, Assert.Single(secret.SdsConfig.ApiConfigSource.GrpcServices).EnvoyGrpc.ClusterName);
    }
}
