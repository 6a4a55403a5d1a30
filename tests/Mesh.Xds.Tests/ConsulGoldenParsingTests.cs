using Envoy.Config.Bootstrap.V3;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Mesh.Tests.Shared;
using Mesh.Xds.Tests.Support;
using Filter = Envoy.Config.Listener.V3.Filter;
using HttpFilter = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpFilter;
using Listener = Envoy.Config.Listener.V3.Listener;
using HttpRbac = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;
using NetworkRbac = Envoy.Extensions.Filters.Network.Rbac.V3.RBAC;

namespace Mesh.Xds.Tests;

/// <summary>
/// The generated types and the registry understand Consul's own expected Envoy output with no unknown fields: xDS
/// resources and RBAC filters with Google.Protobuf's strict parser, bootstraps with <see cref="EnvoyJson"/>.
/// </summary>
public class ConsulGoldenParsingTests
{
    public static TheoryData<string> XdsFiles => [.. ConsulGolden.Files("xds")];

    public static TheoryData<string> RbacFiles => [.. ConsulGolden.Files("rbac")];

    public static TheoryData<string> BootstrapFiles => [.. ConsulGolden.Files("bootstrap")];

    [ConsulGoldenTheory]
    [MemberData(nameof(XdsFiles))]
    public void Parse_XdsGolden_IsDiscoveryResponseOfItsType(string file)
    {
        var response = Parse<DiscoveryResponse>(file);

        Assert.StartsWith(XdsTypeUrls.Prefix, response.TypeUrl, StringComparison.Ordinal);
        Assert.All(response.Resources, r => Assert.Equal(response.TypeUrl, r.TypeUrl));
        var descriptor = XdsTypeRegistry.Instance.Find(response.TypeUrl[XdsTypeUrls.Prefix.Length..]);
        Assert.NotNull(descriptor);
        Assert.All(response.Resources, r => Assert.NotNull(descriptor.Parser.ParseFrom(r.Value)));
        Assert.Equal(response, ProtoRoundTrip.ThroughJson(response).Parsed);
    }

    [ConsulGoldenFact]
    public void Parse_DefaultsClusters_HasLocalAppAndDbWithSpiffeSan()
    {
        var response = Parse<DiscoveryResponse>("xds/defaults/clusters.json");

        var clusters = response.Resources.Select(r => r.Unpack<Cluster>()).ToDictionary(c => c.Name);
        Assert.Equal(XdsTypeUrls.Cluster, response.TypeUrl);
        Assert.Equal(Cluster.Types.DiscoveryType.Static, clusters["local_app"].Type);
        var db = clusters["db.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul"];
        Assert.Equal(TimeSpan.FromSeconds(5), db.ConnectTimeout.ToTimeSpan());
        var tls = db.TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();
        Assert.Equal(
            "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/db",
            Assert.Single(tls.CommonTlsContext.ValidationContext.MatchTypedSubjectAltNames).Matcher.Exact);
    }

    [ConsulGoldenFact]
    public void Parse_HttpPublicListener_HasRbacThenRouterInHttpConnectionManager()
    {
        var response = Parse<DiscoveryResponse>("xds/http-public-listener/listeners.json");

        var publicListener = response.Resources.Select(r => r.Unpack<Listener>())
            .Single(l => l.Name.StartsWith("public_listener:", StringComparison.Ordinal));
        var chain = Assert.Single(publicListener.FilterChains);
        var hcm = Assert.Single(chain.Filters).TypedConfig.Unpack<HttpConnectionManager>();
        Assert.Equal("envoy.filters.http.rbac", hcm.HttpFilters[0].Name);
        Assert.Equal("envoy.filters.http.router", hcm.HttpFilters[^1].Name);
        Assert.True(chain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>().RequireClientCertificate);
    }

    [ConsulGoldenTheory]
    [MemberData(nameof(RbacFiles))]
    public void Parse_RbacGolden_IsNetworkOrHttpRbacFilter(string file)
    {
        if (file.EndsWith("--httpfilter.json", StringComparison.Ordinal))
        {
            var filter = Parse<HttpFilter>(file);
            Assert.Equal("envoy.filters.http.rbac", filter.Name);
            Assert.NotNull(filter.TypedConfig.Unpack<HttpRbac>().Rules);
        }
        else
        {
            var filter = Parse<Filter>(file);
            Assert.Equal("envoy.filters.network.rbac", filter.Name);
            Assert.NotNull(filter.TypedConfig.Unpack<NetworkRbac>().Rules);
        }
    }

    [ConsulGoldenFact]
    public void Parse_BootstrapGoldenStrictly_FailsOnSingleObjectGrpcServices()
    {
        // Consul writes ads_config.grpc_services as one object, which Envoy accepts and Google.Protobuf does not.
        var error = Assert.Throws<InvalidProtocolBufferException>(() => Parse<Bootstrap>("bootstrap/defaults.json"));

        Assert.Contains("Repeated field value was not an array", error.Message, StringComparison.Ordinal);
    }

    [ConsulGoldenTheory]
    [MemberData(nameof(BootstrapFiles))]
    public void Parse_BootstrapGolden_IsBootstrapWithDeltaAdsOverLocalAgent(string file)
    {
        var bootstrap = EnvoyJson.Parse<Bootstrap>(File.ReadAllText(ConsulGolden.PathOf(file)));

        var ads = bootstrap.DynamicResources.AdsConfig;
        Assert.Equal(ApiConfigSource.Types.ApiType.DeltaGrpc, ads.ApiType);
        Assert.Equal("local_agent", Assert.Single(ads.GrpcServices).EnvoyGrpc.ClusterName);
        Assert.Contains(bootstrap.StaticResources.Clusters, c => c.Name == "local_agent");
        Assert.Equal(bootstrap, ProtoRoundTrip.ThroughJson(bootstrap).Parsed);
    }

    private static T Parse<T>(string file)
        where T : IMessage<T>, new() =>
        ProtoRoundTrip.Parser.Parse<T>(File.ReadAllText(ConsulGolden.PathOf(file)));
}
