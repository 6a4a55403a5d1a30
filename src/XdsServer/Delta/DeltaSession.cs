using System.Globalization;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.Xds;
using Mesh.XdsServer.Resources;

namespace Mesh.XdsServer.Delta;

/// <summary>
/// The delta xDS protocol of one stream, without any I/O (Consul's <c>processDelta</c> minus the plumbing): requests go
/// in through <see cref="Receive"/>, the proxy's current resources through <see cref="Update"/>, and
/// <see cref="TakeResponses"/> says what to send now, in order. Not thread-safe: one stream loop owns it.
/// </summary>
internal sealed class DeltaSession
{
    private readonly Dictionary<string, DeltaTypeState> _types = new(StringComparer.Ordinal);
    private readonly int _maxNamesPerType;
    private ulong _nonce;

    public DeltaSession(int maxNamesPerType = XdsServerOptions.DefaultMaxSubscriptionsPerType)
    {
        _maxNamesPerType = maxNamesPerType;
        foreach (var type in DeltaUpdateOrder.Types)
        {
            _types[type] = new DeltaTypeState(type);
        }

        _types[XdsTypeUrls.Cluster].Child = _types[XdsTypeUrls.ClusterLoadAssignment];
        _types[XdsTypeUrls.Listener].Child = _types[XdsTypeUrls.RouteConfiguration];
    }

    /// <summary>The resources responses are computed from; null until the first snapshot.</summary>
    public VersionedResourceSet? Resources { get; private set; }

    /// <summary>The snapshot's service kind (decides whether an empty type is sent at all).</summary>
    public string Kind { get; private set; } = "connect-proxy";

    public DeltaTypeState State(string typeUrl) => _types[typeUrl];

    /// <summary>Applies one request. Throws <see cref="RpcException"/> (InvalidArgument) for a request that breaks the protocol.</summary>
    public DeltaReceived Receive(DeltaDiscoveryRequest request)
    {
        var typeUrl = request.TypeUrl;
        if (typeUrl.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "type URL is required for ADS"));
        }

        if (!_types.TryGetValue(typeUrl, out var state))
        {
            return IsKnownXdsType(typeUrl)
                ? new DeltaReceived(typeUrl, NonceOutcome.IgnoredType, request.ResponseNonce, [], null)
                : throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"unsupported type URL \"{Truncate(typeUrl)}\": this server serves {string.Join(", ", DeltaUpdateOrder.Types)}"));
        }

        var asked = Math.Max(request.ResourceNamesSubscribe.Count, request.InitialResourceVersions.Count);
        if (asked > _maxNamesPerType || state.TrackedNames + request.ResourceNamesSubscribe.Count > _maxNamesPerType)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"too many resource names for {typeUrl}: {state.TrackedNames} subscribed and {asked} more requested; at most {_maxNamesPerType} per type"));
        }

        return state.Receive(request, Resources);
    }

    public void Update(VersionedResourceSet resources, string kind)
    {
        Resources = resources;
        Kind = kind;
    }

    /// <summary>
    /// The responses to send now, in Envoy's order, each with the next nonce of the stream. Listeners and routes wait
    /// while clusters or endpoints are unacknowledged; each type has at most one response outstanding.
    /// </summary>
    public List<DeltaDiscoveryResponse> TakeResponses()
    {
        var responses = new List<DeltaDiscoveryResponse>();
        if (Resources is not { } resources)
        {
            return responses;
        }

        foreach (var (typeUrl, upsert, remove) in DeltaUpdateOrder.Steps)
        {
            if (DeltaUpdateOrder.WaitsForClusters(typeUrl)
                && (_types[XdsTypeUrls.Cluster].HasPending || _types[XdsTypeUrls.ClusterLoadAssignment].HasPending))
            {
                break;
            }

            var state = _types[typeUrl];
            if (state.Diff(resources.Of(typeUrl), upsert, remove, AllowEmpty(Kind, typeUrl)) is not var (response, updates))
            {
                continue;
            }

            response.Nonce = (++_nonce).ToString("x8", CultureInfo.InvariantCulture);
            state.Pending[response.Nonce] = updates;
            foreach (var (name, update) in updates)
            {
                if (!update.Remove)
                {
                    state.ResendChildren(name, resources);
                }
            }

            responses.Add(response);
        }

        return responses;
    }

    /// <summary>Gateways may be told they have no listeners/routes/clusters (Consul's allowEmpty functions).</summary>
    private static bool AllowEmpty(string kind, string typeUrl) => (kind, typeUrl) switch
    {
        ("ingress-gateway" or "api-gateway", XdsTypeUrls.Listener or XdsTypeUrls.RouteConfiguration or XdsTypeUrls.Cluster) => true,
        ("mesh-gateway" or "terminating-gateway", XdsTypeUrls.Cluster) => true,
        _ => false,
    };

    /// <summary>xDS types Envoy may ask for that this server does not serve (secrets, runtime, ...): ignored, as Consul does.</summary>
    private static bool IsKnownXdsType(string typeUrl)
        => typeUrl.StartsWith(XdsTypeUrls.Prefix + "envoy.", StringComparison.Ordinal)
           || typeUrl.StartsWith(XdsTypeUrls.Prefix + "xds.", StringComparison.Ordinal);

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "...";
}
