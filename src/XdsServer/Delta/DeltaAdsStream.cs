using Envoy.Service.Discovery.V3;
using Grpc.Core;

namespace Mesh.XdsServer;

/// <summary>One delta ADS stream from an Envoy sidecar (Consul's <c>processDelta</c>).</summary>
internal static class DeltaAdsStream
{
    public static Task RunAsync(
        XdsServerContext server,
        IAsyncStreamReader<DeltaDiscoveryRequest> requests,
        IServerStreamWriter<DeltaDiscoveryResponse> responses,
        ServerCallContext context)
        => throw new RpcException(new Status(StatusCode.Unimplemented, $"delta ADS is being built ({server.Self.NodeName}, {requests}, {responses}, {context.Method})"));
}
