using Envoy.Config.Bootstrap.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Listener = Envoy.Config.Listener.V3.Listener;

namespace Mesh.Xds.Tests;

public class EnvoyJsonTests
{
    [Fact]
    public void Parse_SingleObjectForRepeatedField_IsAOneElementList()
    {
        const string json = """
            { "dynamic_resources": { "ads_config": {
                "api_type": "DELTA_GRPC",
                "grpc_services": { "envoy_grpc": { "cluster_name": "local_agent" } } } } }
            """;

        var bootstrap = EnvoyJson.Parse<Bootstrap>(json);

        Assert.Equal("local_agent", Assert.Single(bootstrap.DynamicResources.AdsConfig.GrpcServices).EnvoyGrpc.ClusterName);
    }

    [Fact]
    public void Parse_SingleValueInsideAnyTypedConfig_IsWrappedToo()
    {
        const string json = """
            { "name": "l", "filterChains": { "filters": { "name": "envoy.filters.network.http_connection_manager",
              "typedConfig": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "statPrefix": "s", "httpFilters": { "name": "envoy.filters.http.router" } } } } }
            """;

        var listener = EnvoyJson.Parse<Listener>(json);

        var filter = Assert.Single(Assert.Single(listener.FilterChains).Filters);
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        Assert.Equal("envoy.filters.http.router", Assert.Single(hcm.HttpFilters).Name);
    }

    [Fact]
    public void Parse_ListsAndWellKnownTypes_AreLeftAsTheyAre()
    {
        const string json = """
            { "node": { "id": "p", "metadata": { "tags": ["a", "b"], "one": { "x": 1 } } },
              "static_resources": { "clusters": [ { "name": "a", "connect_timeout": "1s" }, { "name": "b" } ] } }
            """;

        var bootstrap = EnvoyJson.Parse<Bootstrap>(json);

        Assert.Equal(["a", "b"], bootstrap.StaticResources.Clusters.Select(c => c.Name));
        Assert.Equal(TimeSpan.FromSeconds(1), bootstrap.StaticResources.Clusters[0].ConnectTimeout.ToTimeSpan());
        Assert.Equal(2, bootstrap.Node.Metadata.Fields["tags"].ListValue.Values.Count);
        Assert.Equal(1, bootstrap.Node.Metadata.Fields["one"].StructValue.Fields["x"].NumberValue);
    }

    [Fact]
    public void Parse_UnknownFieldOrNotJson_Throws()
    {
        Assert.Throws<InvalidProtocolBufferException>(() => EnvoyJson.Parse<Bootstrap>("""{ "no_such_field": 1 }"""));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => EnvoyJson.Parse<Bootstrap>("{ not json"));
    }
}
