using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.XdsServer.Streams;

namespace Mesh.XdsServer;

/// <summary>
/// Envoy's AggregatedDiscoveryService on the gRPC port: delta ADS for Envoy sidecars (as Consul serves), and
/// state-of-the-world ADS for proxyless gRPC clients (gRFC A27), which Consul does not offer.
/// </summary>
public sealed class AdsService(XdsServerContext server) : AggregatedDiscoveryService.AggregatedDiscoveryServiceBase
{
    public override Task DeltaAggregatedResources(
        IAsyncStreamReader<DeltaDiscoveryRequest> requestStream,
        IServerStreamWriter<DeltaDiscoveryResponse> responseStream,
        ServerCallContext context)
        => DeltaAdsStream.RunAsync(server, new DecodedRequestReader<DeltaDiscoveryRequest>(requestStream), responseStream, context);

    public override Task StreamAggregatedResources(
        IAsyncStreamReader<DiscoveryRequest> requestStream,
        IServerStreamWriter<DiscoveryResponse> responseStream,
        ServerCallContext context)
        => SotwAdsStream.RunAsync(server, new DecodedRequestReader<DiscoveryRequest>(requestStream), responseStream, context);
}
