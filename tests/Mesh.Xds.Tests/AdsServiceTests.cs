using Envoy.Service.Discovery.V3;
using Grpc.Core;

namespace Mesh.Xds.Tests;

public class AdsServiceTests
{
    [Fact]
    public void Descriptor_AggregatedDiscoveryService_HasStateOfTheWorldAndDeltaStreams()
    {
        var service = AggregatedDiscoveryService.Descriptor;

        Assert.Equal("envoy.service.discovery.v3.AggregatedDiscoveryService", service.FullName);
        var methods = service.Methods.ToDictionary(m => m.Name);
        Assert.True(methods["StreamAggregatedResources"].IsClientStreaming && methods["StreamAggregatedResources"].IsServerStreaming);
        Assert.Equal(DeltaDiscoveryRequest.Descriptor, methods["DeltaAggregatedResources"].InputType);
        Assert.Equal(DeltaDiscoveryResponse.Descriptor, methods["DeltaAggregatedResources"].OutputType);
    }

    [Fact]
    public void Stubs_ServerBaseAndClient_AreGenerated()
    {
        var definition = AggregatedDiscoveryService.BindService(new UnimplementedAds());

        Assert.NotNull(definition);
        Assert.True(typeof(ClientBase<AggregatedDiscoveryService.AggregatedDiscoveryServiceClient>)
            .IsAssignableFrom(typeof(AggregatedDiscoveryService.AggregatedDiscoveryServiceClient)));
        Assert.NotNull(typeof(AggregatedDiscoveryService.AggregatedDiscoveryServiceClient)
            .GetMethod(nameof(AggregatedDiscoveryService.AggregatedDiscoveryServiceClient.DeltaAggregatedResources), [typeof(CallOptions)]));
    }

    private sealed class UnimplementedAds : AggregatedDiscoveryService.AggregatedDiscoveryServiceBase;
}
