using System.Security.Cryptography.X509Certificates;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.Ca.Crypto;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// An ingress gateway with the mesh CA's TLS on, over a real delta ADS stream from a real server: the leaf its
/// listener presents carries the services' Hosts and the <c>*.ingress</c> wildcards as DNS SANs next to its SPIFFE
/// URI (Consul's <c>generateIngressDNSSANs</c>), and changing the Hosts gives the gateway a new leaf with the new names.
/// </summary>
public sealed class IngressGatewayLeafSanStreamTests
{
    private const string GatewayId = "ingress-gateway-1";
    private const string ListenerName = "http:127.0.0.50:8080";

    [Fact]
    public async Task TlsIngressGateway_LeafCarriesTheHosts_AndNewHostsGiveANewLeaf()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await XdsMesh.RegisterAsync(mesh.Server, """{"Node":"node-edge","Address":"127.0.0.50","Service":{"Kind":"ingress-gateway","ID":"ingress-gateway-1","Service":"ingress-gateway","Port":8443}}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        await mesh.WriteConfigAsync(Entry("web.example.com"));

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();
        using var first = await LeafWithAsync(envoy, "web.example.com");

        var trustDomain = mesh.Server.Server.Fsm.Current.Ca!.TrustDomain;
        Assert.Equal([$"spiffe://{trustDomain}/ns/default/dc/dc1/svc/ingress-gateway"], SanUris.Of(first));
        Assert.Equal(["*.ingress.consul.", "*.ingress.dc1.consul.", "web.example.com"], SanUris.DnsNamesOf(first));

        await mesh.WriteConfigAsync(Entry("shop.example.com"));
        using var second = await LeafWithAsync(envoy, "shop.example.com");

        Assert.Equal(["*.ingress.consul.", "*.ingress.dc1.consul.", "shop.example.com"], SanUris.DnsNamesOf(second));
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(SanUris.Of(first), SanUris.Of(second));
    }

    private static string Entry(string host) => $$"""
        {"Kind":"ingress-gateway","Name":"ingress-gateway","TLS":{"Enabled":true},"Listeners":[
          {"Port":8080,"Protocol":"http","Services":[{"Name":"web","Hosts":["{{host}}"]}]}]}
        """;

    /// <summary>Acks pushes until the listener presents a leaf naming <paramref name="host"/>, and returns that leaf.</summary>
    private static async Task<X509Certificate2> LeafWithAsync(DeltaAdsClient envoy, string host)
    {
        while (true)
        {
            if (envoy.HeldOf(XdsTypeUrls.Listener).ContainsKey(ListenerName))
            {
                var listener = envoy.Resource<Listener>(XdsTypeUrls.Listener, ListenerName);
                var chain = Assert.Single(listener.FilterChains);
                var pem = chain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>().CommonTlsContext.TlsCertificates[0].CertificateChain.InlineString;
                var leaf = X509Certificate2.CreateFromPem(pem);
                if (SanUris.DnsNamesOf(leaf).Contains(host))
                {
                    return leaf;
                }

                leaf.Dispose();
            }

            await envoy.AckAsync(await envoy.ReceiveAsync());
        }
    }
}
