using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Dataplane;

/// <summary>
/// The dataplane's local xDS server (consul-dataplane's <c>xds.go</c>): only <c>DeltaAggregatedResources</c>, each
/// stream relayed to the current server with the dataplane's token in place of Envoy's metadata token. The other
/// ADS method answers UNIMPLEMENTED (the generated base).
/// </summary>
public sealed class DeltaXdsRelay(DataplaneServers servers, ILogger<DeltaXdsRelay> logger) : AggregatedDiscoveryService.AggregatedDiscoveryServiceBase
{
    public override async Task DeltaAggregatedResources(
        IAsyncStreamReader<DeltaDiscoveryRequest> requestStream,
        IServerStreamWriter<DeltaDiscoveryResponse> responseStream,
        ServerCallContext context)
    {
        using var stream = new DeltaRelayStream(servers, requestStream, responseStream, context, logger);
        await stream.RunAsync().ConfigureAwait(false);
    }
}
