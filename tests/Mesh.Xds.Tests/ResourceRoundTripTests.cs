using Envoy.Config.Bootstrap.V3;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Mesh.Xds.Tests.Support;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Mesh.Xds.Tests;

public class ResourceRoundTripTests
{
    public static TheoryData<string> Samples => [.. SampleResources.All.Keys];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Binary_SampleResource_ParsesBackEqual(string sample)
    {
        var message = SampleResources.All[sample]();

        var parsed = ProtoRoundTrip.ThroughBinary(message);

        Assert.NotEqual(0, message.CalculateSize());
        Assert.Equal(message, parsed);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Json_SampleResource_ParsesBackEqual(string sample)
    {
        var message = SampleResources.All[sample]();

        var (json, parsed) = ProtoRoundTrip.ThroughJson(message);

        Assert.StartsWith("{", json, StringComparison.Ordinal);
        Assert.Equal(message, parsed);
    }

    [Fact]
    public void Json_ListenerWithHttpConnectionManager_WritesTypedConfigWithTypeUrl()
    {
        var listener = SampleResources.HttpUpstreamListener();

        var (json, parsed) = ProtoRoundTrip.ThroughJson(listener);

        Assert.Contains($"\"@type\": \"{XdsTypeUrls.HttpConnectionManager}\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"@type\": \"{XdsTypeUrls.Router}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"routeConfigName\": \"db\"", json, StringComparison.Ordinal);
        var filter = Assert.Single(Assert.Single(((Envoy.Config.Listener.V3.Listener)parsed).FilterChains).Filters);
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        Assert.Equal("db", hcm.Rds.RouteConfigName);
        Assert.Equal("envoy.filters.http.router", Assert.Single(hcm.HttpFilters).Name);
    }

    [Fact]
    public void Json_Cluster_WritesEnumsDurationsAndUpstreamTls()
    {
        var (json, parsed) = ProtoRoundTrip.ThroughJson(SampleResources.DbCluster());

        Assert.Contains("\"type\": \"EDS\"", json, StringComparison.Ordinal);
        Assert.Contains("\"connectTimeout\": \"5s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"resourceApiVersion\": \"V3\"", json, StringComparison.Ordinal);
        var tls = ((Cluster)parsed).TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();
        var san = Assert.Single(tls.CommonTlsContext.ValidationContext.MatchTypedSubjectAltNames);
        Assert.Equal(SubjectAltNameMatcher.Types.SanType.Uri, san.SanType);
        Assert.EndsWith("/svc/db", san.Matcher.Exact, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_DownstreamTlsContext_WritesRequireClientCertificate()
    {
        var (json, parsed) = ProtoRoundTrip.ThroughJson(SampleResources.PublicListenerTls());

        Assert.Contains("\"requireClientCertificate\": true", json, StringComparison.Ordinal);
        Assert.True(((DownstreamTlsContext)parsed).RequireClientCertificate);
    }

    [Fact]
    public void Json_Bootstrap_WritesDeltaGrpcAdsAndHttp2LocalAgent()
    {
        var (json, parsed) = ProtoRoundTrip.ThroughJson(SampleResources.Bootstrap());

        Assert.Contains("\"apiType\": \"DELTA_GRPC\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"@type\": \"{XdsTypeUrls.HttpProtocolOptions}\"", json, StringComparison.Ordinal);
        var bootstrap = (Bootstrap)parsed;
        Assert.Equal("x-consul-token", Assert.Single(Assert.Single(bootstrap.DynamicResources.AdsConfig.GrpcServices).InitialMetadata).Key);
        var localAgent = Assert.Single(bootstrap.StaticResources.Clusters);
        var options = Assert.Single(localAgent.TypedExtensionProtocolOptions).Value.Unpack<HttpProtocolOptions>();
        Assert.NotNull(options.ExplicitHttpConfig.Http2ProtocolOptions);
        Assert.Equal(ApiVersion.V3, bootstrap.DynamicResources.LdsConfig.ResourceApiVersion);
    }
}
