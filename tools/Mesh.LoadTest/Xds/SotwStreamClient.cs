using System.Diagnostics;
using Envoy.Config.Endpoint.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Xds;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// One state-of-the-world ADS stream behaving as a proxyless gRPC client dialing <c>xds:///db</c> (gRFC A27): LDS
/// <c>db</c>, then RDS, CDS and EDS <c>db</c> one after the other, every response ACKed with its names. It reports
/// to the tracker when it holds its first load assignment and every endpoint update of db after that.
/// </summary>
public sealed class SotwStreamClient
{
    private const string Target = "db";

    private static readonly Dictionary<string, string> NextType = new(StringComparer.Ordinal)
    {
        [XdsTypeUrls.Listener] = XdsTypeUrls.RouteConfiguration,
        [XdsTypeUrls.RouteConfiguration] = XdsTypeUrls.Cluster,
        [XdsTypeUrls.Cluster] = XdsTypeUrls.ClusterLoadAssignment,
    };

    private readonly int _index;
    private readonly Envoy.Config.Core.V3.Node _node;
    private readonly XdsStreamTracker _tracker;
    private readonly HashSet<string> _requested = new(StringComparer.Ordinal);
    private bool _ready;

    private SotwStreamClient(int index, string nodeId, string? declaredService, XdsStreamTracker tracker)
    {
        _index = index;
        _tracker = tracker;
        _node = new Envoy.Config.Core.V3.Node { Id = nodeId, UserAgentName = "mesh-loadtest" };
        if (declaredService is not null)
        {
            _node.Metadata = new Struct { Fields = { ["service"] = Value.ForString(declaredService) } };
        }
    }

    /// <summary>Runs the stream until <paramref name="cancellationToken"/> ends it; failures are reported to the tracker.</summary>
    public static Task RunAsync(GrpcChannel channel, int index, string nodeId, string? declaredService, XdsStreamTracker tracker, CancellationToken cancellationToken)
        => new SotwStreamClient(index, nodeId, declaredService, tracker).RunAsync(channel, cancellationToken);

    private async Task RunAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        var client = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel);
        try
        {
            using var call = client.StreamAggregatedResources(cancellationToken: cancellationToken);
            _requested.Add(XdsTypeUrls.Listener);
            await call.RequestStream.WriteAsync(new DiscoveryRequest { Node = _node, TypeUrl = XdsTypeUrls.Listener, ResourceNames = { Target } }, cancellationToken).ConfigureAwait(false);
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _tracker.OnResponse();
                var now = Stopwatch.GetTimestamp();
                await call.RequestStream.WriteAsync(new DiscoveryRequest
                {
                    TypeUrl = response.TypeUrl,
                    VersionInfo = response.VersionInfo,
                    ResponseNonce = response.Nonce,
                    ResourceNames = { Target },
                }, cancellationToken).ConfigureAwait(false);
                if (NextType.TryGetValue(response.TypeUrl, out var next) && _requested.Add(next))
                {
                    await call.RequestStream.WriteAsync(new DiscoveryRequest { TypeUrl = next, ResourceNames = { Target } }, cancellationToken).ConfigureAwait(false);
                }

                if (response.TypeUrl == XdsTypeUrls.ClusterLoadAssignment)
                {
                    var endpoints = response.Resources.Select(r => r.Unpack<ClusterLoadAssignment>()).SelectMany(a => a.Endpoints).SelectMany(l => l.LbEndpoints).ToList();
                    _tracker.OnEndpoints(_index, endpoints.Count, endpoints.Select(e => (int)e.Endpoint.Address.SocketAddress.PortValue).DefaultIfEmpty().Max(), now);
                    if (!_ready)
                    {
                        _ready = true;
                        _tracker.OnReady(_index, now);
                    }
                }
            }

            throw new InvalidOperationException($"stream of {_node.Id} ended by the server");
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            _tracker.OnFailed(error);
        }
    }
}
