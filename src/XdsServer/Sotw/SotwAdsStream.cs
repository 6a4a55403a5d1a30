using Envoy.Service.Discovery.V3;
using Grpc.Core;

namespace Mesh.XdsServer;

/// <summary>One state-of-the-world ADS stream from a proxyless gRPC client (gRFC A27).</summary>
internal static class SotwAdsStream
{
    public static Task RunAsync(
        XdsServerContext server,
        IAsyncStreamReader<DiscoveryRequest> requests,
        IServerStreamWriter<DiscoveryResponse> responses,
        ServerCallContext context)
        => throw new RpcException(new Status(StatusCode.Unimplemented, $"SotW ADS is being built ({server.Self.NodeName}, {requests}, {responses}, {context.Method})"));
}
