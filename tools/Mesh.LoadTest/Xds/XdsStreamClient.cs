using System.Diagnostics;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Xds;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// One delta ADS stream behaving as Envoy does at start-up: wildcard CDS, then EDS for the EDS clusters, then wildcard
/// LDS, then RDS for the route configs the listeners name; every response is ACKed at once, and EDS clusters or route
/// configs that appear later are subscribed to as Envoy does. It reports to the tracker when it holds its initial
/// config and every endpoint update after that. A sidecar reports its endpoint count; an ingress gateway
/// (<c>gateway</c>) reports how many services it serves completely: a route sends to the service's cluster, the
/// cluster is held, and its load assignment has an endpoint.
/// </summary>
public sealed class XdsStreamClient
{
    private readonly int _index;
    private readonly string _proxyId;
    private readonly string _nodeName;
    private readonly XdsStreamTracker _tracker;
    private readonly string? _gatewayService;
    private readonly HashSet<string> _edsClusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _clusterAssignment = new(StringComparer.Ordinal);
    private readonly HashSet<string> _routeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _routedClusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Endpoints, int MaxPort)> _assignments = new(StringComparer.Ordinal);
    private bool _edsRequested;
    private bool _ldsRequested;
    private bool _ready;

    private XdsStreamClient(int index, string proxyId, string nodeName, XdsStreamTracker tracker, string? gatewayService)
    {
        _index = index;
        _proxyId = proxyId;
        _nodeName = nodeName;
        _tracker = tracker;
        _gatewayService = gatewayService;
    }

    /// <summary>Runs the stream until <paramref name="cancellationToken"/> ends it; failures are reported to the tracker.</summary>
    /// <param name="gatewayService">Null for a web sidecar; the gateway's service name for an ingress gateway.</param>
    public static Task RunAsync(GrpcChannel channel, int index, string proxyId, string nodeName, XdsStreamTracker tracker, CancellationToken cancellationToken, string? gatewayService = null)
        => new XdsStreamClient(index, proxyId, nodeName, tracker, gatewayService).RunAsync(channel, cancellationToken);

    private async Task RunAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        var client = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel);
        try
        {
            using var call = client.DeltaAggregatedResources(cancellationToken: cancellationToken);
            var first = new DeltaDiscoveryRequest
            {
                TypeUrl = XdsTypeUrls.Cluster,
                Node = new Envoy.Config.Core.V3.Node
                {
                    Id = _proxyId,
                    Cluster = _gatewayService ?? "web",
                    Metadata = new Struct { Fields = { ["node_name"] = Value.ForString(_nodeName) } },
                },
            };
            await call.RequestStream.WriteAsync(first, cancellationToken).ConfigureAwait(false);
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _tracker.OnResponse();
                await call.RequestStream.WriteAsync(new DeltaDiscoveryRequest { TypeUrl = response.TypeUrl, ResponseNonce = response.Nonce }, cancellationToken).ConfigureAwait(false);
                foreach (var next in Handle(response))
                {
                    await call.RequestStream.WriteAsync(next, cancellationToken).ConfigureAwait(false);
                }
            }

            throw new InvalidOperationException($"stream of {_proxyId} ended by the server");
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            _tracker.OnFailed(error);
        }
    }

    /// <summary>Applies a response; returns the requests Envoy would send next.</summary>
    private List<DeltaDiscoveryRequest> Handle(DeltaDiscoveryResponse response)
    {
        var now = Stopwatch.GetTimestamp();
        var next = new List<DeltaDiscoveryRequest>();
        switch (response.TypeUrl)
        {
            case XdsTypeUrls.Cluster:
                var added = new List<string>();
                foreach (var resource in response.Resources)
                {
                    var cluster = resource.Resource_.Unpack<Envoy.Config.Cluster.V3.Cluster>();
                    if (cluster.Type == Envoy.Config.Cluster.V3.Cluster.Types.DiscoveryType.Eds)
                    {
                        var assignment = cluster.EdsClusterConfig?.ServiceName is { Length: > 0 } service ? service : cluster.Name;
                        _clusterAssignment[cluster.Name] = assignment;
                        if (_edsClusters.Add(assignment))
                        {
                            added.Add(assignment);
                        }
                    }
                }

                foreach (var removed in response.RemovedResources)
                {
                    _clusterAssignment.Remove(removed);
                }

                if (_edsRequested && added.Count > 0)
                {
                    var more = new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.ClusterLoadAssignment };
                    more.ResourceNamesSubscribe.AddRange(added.Order(StringComparer.Ordinal));
                    next.Add(more);
                }

                if (!_edsRequested)
                {
                    _edsRequested = true;
                    if (_edsClusters.Count > 0)
                    {
                        var eds = new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.ClusterLoadAssignment };
                        eds.ResourceNamesSubscribe.AddRange(_edsClusters.Order(StringComparer.Ordinal));
                        next.Add(eds);
                    }
                    else
                    {
                        next.Add(RequestListeners());
                    }
                }

                break;
            case XdsTypeUrls.ClusterLoadAssignment:
                foreach (var resource in response.Resources)
                {
                    var assignment = resource.Resource_.Unpack<ClusterLoadAssignment>();
                    var endpoints = assignment.Endpoints.SelectMany(l => l.LbEndpoints).ToList();
                    _assignments[assignment.ClusterName] = (endpoints.Count, endpoints.Select(e => (int)e.Endpoint.Address.SocketAddress.PortValue).DefaultIfEmpty().Max());
                }

                foreach (var removed in response.RemovedResources)
                {
                    _assignments.Remove(removed);
                }

                _tracker.OnEndpoints(_index, Held(), MaxPort(), now);
                if (!_ldsRequested)
                {
                    next.Add(RequestListeners());
                }

                break;
            case XdsTypeUrls.Listener:
                var routes = RouteNames(response).Where(_routeNames.Add).ToList();
                if (routes.Count > 0)
                {
                    var rds = new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.RouteConfiguration };
                    rds.ResourceNamesSubscribe.AddRange(routes);
                    next.Add(rds);
                }
                else if (!_ready)
                {
                    MarkReady(now);
                }

                break;
            case XdsTypeUrls.RouteConfiguration:
                foreach (var resource in response.Resources)
                {
                    var route = resource.Resource_.Unpack<RouteConfiguration>();
                    _routedClusters[route.Name] = [.. route.VirtualHosts.SelectMany(h => h.Routes).Where(r => r.Route_ is not null).Select(r => r.Route_.Cluster)];
                }

                foreach (var removed in response.RemovedResources)
                {
                    _routedClusters.Remove(removed);
                }

                MarkReady(now);
                break;
        }

        if (_gatewayService is not null && _ready && response.TypeUrl != XdsTypeUrls.ClusterLoadAssignment)
        {
            _tracker.OnHeld(_index, Held(), MaxPort(), now);
        }

        return next;
    }

    /// <summary>A sidecar's endpoint count, or the services an ingress gateway serves completely.</summary>
    private int Held()
        => _gatewayService is null
            ? _assignments.Values.Sum(a => a.Endpoints)
            : _routedClusters.Values.SelectMany(c => c).Distinct(StringComparer.Ordinal).Count(cluster =>
                _clusterAssignment.TryGetValue(cluster, out var assignment) && _assignments.TryGetValue(assignment, out var held) && held.Endpoints > 0);

    private int MaxPort() => _assignments.Values.Select(a => a.MaxPort).DefaultIfEmpty().Max();

    private DeltaDiscoveryRequest RequestListeners()
    {
        _ldsRequested = true;
        return new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Listener };
    }

    private void MarkReady(long now)
    {
        if (!_ready)
        {
            _ready = true;
            _tracker.OnReady(_index, now);
        }
    }

    private static List<string> RouteNames(DeltaDiscoveryResponse listeners)
        => [.. listeners.Resources
            .Select(r => r.Resource_.Unpack<Listener>())
            .SelectMany(l => l.FilterChains)
            .SelectMany(c => c.Filters)
            .Where(f => f.TypedConfig?.TypeUrl == XdsTypeUrls.HttpConnectionManager)
            .Select(f => f.TypedConfig.Unpack<HttpConnectionManager>())
            .Where(h => h.RouteSpecifierCase == HttpConnectionManager.RouteSpecifierOneofCase.Rds)
            .Select(h => h.Rds.RouteConfigName)
            .Distinct()
            .Order(StringComparer.Ordinal)];
}
