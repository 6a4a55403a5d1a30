using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Xds;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// Ingress TLS from SDS (Consul's <c>listeners_ingress.go</c>): the listener's certificate from SDS at the gateway or
/// listener level (winning over the mesh CA when both are set), and per-service certificates on their own filter chains
/// matched by the services' Hosts, each with its own route <c>&lt;port&gt;_&lt;service&gt;</c>.
/// </summary>
public sealed class IngressSdsTests
{
    [Fact]
    public void Generate_GatewayLevelSdsWithTlsEnabled_PresentsTheSdsCertificateOnly()
    {
        var set = GoldenResources.Of(IngressScenarios.All["ingress-with-sds-listener-gw-level"]);

        var listener = Listener(set, "db:1.2.3.4:8080");
        var context = Tls(Assert.Single(listener.FilterChains));
        Assert.Empty(context.CommonTlsContext.TlsCertificates);
        Assert.Null(context.CommonTlsContext.ValidationContext);
        AssertSds(context, "cert-resource", "sds-cluster");
        Assert.False(context.RequireClientCertificate);
    }

    [Fact]
    public void Generate_ListenerLevelSds_MergesClusterAndTlsVersionsFromTheGateway()
    {
        var set = GoldenResources.Of(IngressScenarios.All["ingress-with-sds-listener-level"]);

        var first = Tls(Assert.Single(Listener(set, "http:1.2.3.4:8080").FilterChains));
        AssertSds(first, "listener-8080-cert", "sds-cluster");
        Assert.Equal(TlsParameters.Types.TlsProtocol.Tlsv12, first.CommonTlsContext.TlsParams.TlsMinimumProtocolVersion);
        Assert.Equal(TlsParameters.Types.TlsProtocol.Tlsv13, first.CommonTlsContext.TlsParams.TlsMaximumProtocolVersion);
        Assert.Equal(["http/1.1"], first.CommonTlsContext.AlpnProtocols);

        var second = Tls(Assert.Single(Listener(set, "http:1.2.3.4:9090").FilterChains));
        AssertSds(second, "listener-9090-cert", "sds-cluster-2");
        Assert.Equal(TlsParameters.Types.TlsProtocol.TlsAuto, second.CommonTlsContext.TlsParams.TlsMaximumProtocolVersion);
    }

    [Fact]
    public void Generate_EveryServiceWithItsOwnCertificate_ChainsByHostAndNoDefault()
    {
        var set = GoldenResources.Of(IngressScenarios.All["ingress-with-sds-service-level"]);

        var listener = Listener(set, "http:1.2.3.4:8080");
        Assert.Equal(SniRouting.TlsInspectorName, Assert.Single(listener.ListenerFilters).Name);
        Assert.Equal(2, listener.FilterChains.Count);
        Assert.Equal(["s1.example.com"], listener.FilterChains[0].FilterChainMatch.ServerNames);
        Assert.Equal(["s2.example.com", "www.s2.example.com"], listener.FilterChains[1].FilterChainMatch.ServerNames);
        AssertSds(Tls(listener.FilterChains[0]), "s1.example.com-cert", "sds-cluster-1");
        AssertSds(Tls(listener.FilterChains[1]), "s2.example.com-cert", "sds-cluster-2");
        Assert.Equal("8080_s1", Rds(listener.FilterChains[0]));
        Assert.Equal("8080_s2", Rds(listener.FilterChains[1]));

        var routes = set.Of(XdsTypeUrls.RouteConfiguration);
        Assert.Equal(["8080_s1", "8080_s2"], routes.Keys);
        var s1 = Assert.Single(((RouteConfiguration)routes["8080_s1"]).VirtualHosts);
        Assert.Equal(["s1.example.com", "s1.example.com:8080"], s1.Domains);
    }

    [Fact]
    public void Generate_MixedServiceCertificateAndMeshTls_ServiceChainFirstThenTheDefault()
    {
        var set = GoldenResources.Of(IngressScenarios.All["ingress-with-sds-service-level-mixed-tls"]);

        var listener = Listener(set, "http:1.2.3.4:8080");
        Assert.Equal(2, listener.FilterChains.Count);
        var service = listener.FilterChains[0];
        Assert.Equal(["s1.example.com"], service.FilterChainMatch.ServerNames);
        AssertSds(Tls(service), "s1.example.com-cert", "sds-cluster");
        Assert.Equal("8080_s1", Rds(service));

        var fallback = listener.FilterChains[1];
        Assert.Null(fallback.FilterChainMatch);
        var mesh = Tls(fallback);
        Assert.Empty(mesh.CommonTlsContext.TlsCertificateSdsSecretConfigs);
        Assert.Contains("BEGIN CERTIFICATE", Assert.Single(mesh.CommonTlsContext.TlsCertificates).CertificateChain.InlineString, StringComparison.Ordinal);
        Assert.Equal("8080", Rds(fallback));

        var routes = set.Of(XdsTypeUrls.RouteConfiguration);
        Assert.Equal(["8080", "8080_s1"], routes.Keys);
        Assert.Equal(["s2.ingress.*", "s2.ingress.*:8080"], Assert.Single(((RouteConfiguration)routes["8080"]).VirtualHosts).Domains);
    }

    [Fact]
    public void Generate_ServiceCertificateWithoutCluster_InheritsTheGatewaysSdsCluster()
    {
        var set = GoldenResources.Of(IngressScenarios.All["ingress-with-sds-service-level-mixed-sds"]);

        var listener = Listener(set, "http:1.2.3.4:8080");
        AssertSds(Tls(listener.FilterChains[0]), "s1.example.com-cert", "sds-cluster");
        AssertSds(Tls(listener.FilterChains[1]), "gateway-cert", "sds-cluster");
    }

    [Fact]
    public void Generate_WildcardNextToAServiceWithItsOwnCertificate_EachServiceOnce()
    {
        var set = GoldenResources.Of(f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
            IngressScenarios.RegisterGateway(f);
            foreach (var service in new[] { "s3", "s1", "s2" })
            {
                f.RegisterInstance(service, "node-" + service, "127.10.1.1");
            }

            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[
                    {"Name":"*"},
                    {"Name":"s1","Hosts":["s1.example.com"],"TLS":{"SDS":{"ClusterName":"sds","CertResource":"s1-cert"}}}]}]}
                """);
        });

        // The wildcard links s2 and s3 (by name; s1 is named explicitly, the gateway is not a typical service).
        var routes = set.Of(XdsTypeUrls.RouteConfiguration);
        Assert.Equal(["8080", "8080_s1"], routes.Keys);
        Assert.Equal(
            ["s2.ingress.*", "s3.ingress.*"],
            ((RouteConfiguration)routes["8080"]).VirtualHosts.Select(host => host.Domains[0]));
        Assert.Equal(["s1.example.com", "s1.example.com:8080"], Assert.Single(((RouteConfiguration)routes["8080_s1"]).VirtualHosts).Domains);

        var listener = Listener(set, "http:1.2.3.4:8080");
        Assert.Equal(2, listener.FilterChains.Count);
        Assert.Null(listener.FilterChains[1].TransportSocket);
    }

    private static Listener Listener(EnvoyResourceSet set, string name) => (Listener)set.Of(XdsTypeUrls.Listener)[name];

    private static DownstreamTlsContext Tls(FilterChain chain)
    {
        Assert.Equal("tls", chain.TransportSocket.Name);
        return chain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();
    }

    private static string Rds(FilterChain chain) => Assert.Single(chain.Filters).TypedConfig.Unpack<HttpConnectionManager>().Rds.RouteConfigName;

    private static void AssertSds(DownstreamTlsContext context, string certResource, string cluster)
    {
        var secret = Assert.Single(context.CommonTlsContext.TlsCertificateSdsSecretConfigs);
        Assert.Equal(certResource, secret.Name);
        var source = secret.SdsConfig.ApiConfigSource;
        Assert.Equal(Envoy.Config.Core.V3.ApiConfigSource.Types.ApiType.Grpc, source.ApiType);
        Assert.Equal(Envoy.Config.Core.V3.ApiVersion.V3, source.TransportApiVersion);
        Assert.Equal(Envoy.Config.Core.V3.ApiVersion.V3, secret.SdsConfig.ResourceApiVersion);
        Assert.Equal(cluster, Assert.Single(source.GrpcServices).EnvoyGrpc.ClusterName);
    }
}
