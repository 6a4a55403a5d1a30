using System.Security.Cryptography;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.Core;
using Mesh.EnvoyResources.Proxyless;
using Mesh.Xds;
using Mesh.XdsServer.Resources;

namespace Mesh.XdsServer.Sotw;

/// <summary>
/// The state-of-the-world protocol of one ADS stream, without I/O (Envoy's xds_protocol "ACK and NACK semantics"
/// and gRFC A27). Per type it keeps the subscription, the last version, nonce and content sent, and what the client
/// acknowledged or rejected. A response always carries every requested resource of its type that exists; a new
/// version is sent only when that set's content changed or the subscription did.
/// </summary>
internal sealed class SotwSession
{

    /// <summary>Response order across types when several change at once: make before break (CDS, EDS, LDS, RDS).</summary>
    public static IReadOnlyList<string> TypeOrder { get; } =
        [XdsTypeUrls.Cluster, XdsTypeUrls.ClusterLoadAssignment, XdsTypeUrls.Listener, XdsTypeUrls.RouteConfiguration];

    private readonly Dictionary<string, SotwTypeState> _types = new(StringComparer.Ordinal);
    private long _nonce;

    public SotwSession(int maxResourceNames = XdsServerOptions.DefaultMaxSubscriptionsPerType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResourceNames, 1);
        MaxResourceNames = maxResourceNames;
    }

    /// <summary>More names than this in one request is a broken or hostile client, not a real subscription.</summary>
    public int MaxResourceNames { get; }

    /// <summary>The client, from the node of the stream's first request.</summary>
    public ProxylessClient? Client { get; private set; }

    public IEnumerable<SotwTypeState> Types => TypeOrder.Where(_types.ContainsKey).Select(type => _types[type]);

    public SotwTypeState? StateOf(string typeUrl) => _types.GetValueOrDefault(typeUrl);

    /// <summary>Classifies a request and applies its subscription; throws InvalidArgument for a request no client should send.</summary>
    public SotwRequestOutcome Accept(DiscoveryRequest request)
    {
        Validate(request);
        Client ??= ProxylessClient.From(request.Node);

        if (!_types.TryGetValue(request.TypeUrl, out var state))
        {
            state = new SotwTypeState(request.TypeUrl);
            _types.Add(request.TypeUrl, state);
        }

        SotwRequestKind kind;
        if (request.ResponseNonce.Length == 0)
        {
            kind = SotwRequestKind.Initial;
        }
        else if (request.ResponseNonce != state.SentNonce)
        {
            // The client has not seen our latest response yet; it will answer that one with its full subscription.
            return new SotwRequestOutcome(request.TypeUrl, SotwRequestKind.Stale, MustRespond: false, SubscriptionChanged: false);
        }
        else if (request.ErrorDetail is not null)
        {
            kind = SotwRequestKind.Nack;
            state.NackedVersion = state.SentVersion;
            state.NackMessage = request.ErrorDetail.Message;
        }
        else
        {
            kind = SotwRequestKind.Ack;
            state.AckedVersion = state.SentVersion;
        }

        var subscription = SubscriptionOf(state, request);
        var changed = !subscription.SameAs(state.Subscription);
        state.Subscription = subscription;
        return new SotwRequestOutcome(request.TypeUrl, kind, MustRespond: changed || kind == SotwRequestKind.Initial, changed);
    }

    /// <summary>
    /// The response for a type given its current resources, or null when it is not due: unless forced (a new
    /// subscription), a set equal to the last one sent (accepted or rejected) is not sent again.
    /// </summary>
    public DiscoveryResponse? Respond(string typeUrl, IReadOnlyList<KeyValuePair<string, IMessage>> resources, bool force)
        => RespondPacked(typeUrl, [.. resources.Select(pair => PackedResource.Of(pair.Value))], force);

    /// <summary>As above, for resources packed once and shared by the streams of one snapshot.</summary>
    public DiscoveryResponse? RespondPacked(string typeUrl, IReadOnlyList<PackedResource> resources, bool force)
    {
        var state = _types[typeUrl];
        var digest = Digest(resources);
        if (!force && state.SentDigest is not null && digest.AsSpan().SequenceEqual(state.SentDigest))
        {
            return null;
        }

        state.SentVersion++;
        state.SentNonce = (++_nonce).ToString(System.Globalization.CultureInfo.InvariantCulture);
        state.SentDigest = digest;
        var response = new DiscoveryResponse
        {
            TypeUrl = typeUrl,
            VersionInfo = state.SentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Nonce = state.SentNonce,
        };
        response.Resources.AddRange(resources.Select(resource => resource.Packed));
        return response;
    }

    private void Validate(DiscoveryRequest request)
    {
        if (Client is null && (request.Node is null || request.Node.Id.Length == 0))
        {
            throw Invalid("the first request of a stream must carry a node with a non-empty node.id");
        }

        if (request.TypeUrl.Length == 0)
        {
            throw Invalid("type_url is required on an aggregated (ADS) stream");
        }

        if (!ProxylessResources.SupportedTypes.Contains(request.TypeUrl))
        {
            var hint = request.TypeUrl.Contains(".v2.", StringComparison.Ordinal) ? " (xDS v2 is not supported; use v3)" : string.Empty;
            throw Invalid($"type_url \"{Truncate(request.TypeUrl)}\" is not served{hint}; state-of-the-world ADS serves " +
                string.Join(", ", TypeOrder));
        }

        if (request.ResourceNames.Count > MaxResourceNames)
        {
            throw Invalid($"{request.ResourceNames.Count} resource names in one request; at most {MaxResourceNames} are accepted");
        }
    }

    private static ResourceSubscription SubscriptionOf(SotwTypeState state, DiscoveryRequest request)
    {
        var names = new HashSet<string>(request.ResourceNames, StringComparer.Ordinal);
        var explicitWildcard = names.Remove("*");
        state.EverNamed |= names.Count > 0;

        // Legacy wildcard: an LDS or CDS subscription that never named anything means "all" (xds_protocol).
        var legacyWildcard = !state.EverNamed && !explicitWildcard
            && request.TypeUrl is XdsTypeUrls.Listener or XdsTypeUrls.Cluster;
        return new ResourceSubscription(explicitWildcard || legacyWildcard, names);
    }

    private static byte[] Digest(IReadOnlyList<PackedResource> resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var resource in resources)
        {
            var bytes = resource.Encoded;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return hash.GetHashAndReset();
    }

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "...";

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
