using System.Threading.Channels;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Xds;

namespace Mesh.XdsServer.Tests.Support;

/// <summary>
/// A test client of delta ADS over a real gRPC connection: it sends requests as Envoy does, collects responses in
/// the background (so waiting for one never cancels the call), and remembers what it holds per type.
/// </summary>
internal sealed class DeltaAdsClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> _call;
    private readonly Channel<DeltaDiscoveryResponse> _responses = Channel.CreateUnbounded<DeltaDiscoveryResponse>();
    private readonly Task _pump;
    private readonly bool _ownsChannel;
    private bool _identified;

    private DeltaAdsClient(int grpcPort, string proxyId, string? nodeName, string? token)
        : this(GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}"), proxyId, nodeName, token)
    {
    }

    private DeltaAdsClient(GrpcChannel channel, string proxyId, string? nodeName, string? token, bool ownsChannel = true)
    {
        _channel = channel;
        _ownsChannel = ownsChannel;
        var client = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel);
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("x-consul-token", token);
        }

        _call = client.DeltaAggregatedResources(headers);
        ProxyId = proxyId;
        NodeName = nodeName;
        _pump = PumpAsync();
    }

    public string ProxyId { get; }

    public string? NodeName { get; }

    /// <summary>What this client holds: type URL -> name -> version, as Envoy would after applying responses.</summary>
    public Dictionary<string, Dictionary<string, string>> Held { get; } = [];

    public static DeltaAdsClient Open(int grpcPort, string proxyId, string? nodeName = null, string? token = null)
        => new(grpcPort, proxyId, nodeName, token);

    /// <summary>A stream on a channel the caller owns (and disposes), to put several streams on one connection.</summary>
    public static DeltaAdsClient OpenOn(GrpcChannel channel, string proxyId, string? nodeName = null)
        => new(channel, proxyId, nodeName, token: null, ownsChannel: false);

    /// <summary>Over TLS, as Envoy with Consul's bootstrap: the server is verified against the CA, no client certificate.</summary>
    public static DeltaAdsClient OpenTls(int grpcTlsPort, string caFile, string proxyId, string? nodeName = null)
    {
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => Mesh.Testing.TlsTestClients.Verify(certificate, authorities);
        var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{grpcTlsPort}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        return new(channel, proxyId, nodeName, token: null);
    }

    /// <summary>Sends a request; the first one carries the node (id and, if given, metadata.node_name).</summary>
    public async Task SendAsync(DeltaDiscoveryRequest request)
    {
        if (!_identified)
        {
            request.Node ??= Node(ProxyId, NodeName);
            _identified = true;
        }

        // Bounded, so a request that cannot be sent (no flow-control credit) fails the test instead of hanging it.
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await _call.RequestStream.WriteAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"a request of {ProxyId} could not be sent within {DefaultTimeout}");
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException)
        {
            // The server already ended the call (a refused stream ends before its first request is read): the
            // status is what the test looks at, through ReceiveAsync or ExpectErrorAsync.
        }
    }

    public static Envoy.Config.Core.V3.Node Node(string id, string? nodeName)
    {
        var node = new Envoy.Config.Core.V3.Node { Id = id, Cluster = "web" };
        if (nodeName is not null)
        {
            node.Metadata = new Struct { Fields = { ["node_name"] = Value.ForString(nodeName) } };
        }

        return node;
    }

    /// <summary>The next response; throws the call's RpcException if the server ended it.</summary>
    public async Task<DeltaDiscoveryResponse> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            var response = await _responses.Reader.ReadAsync(cts.Token);
            Apply(response);
            return response;
        }
        catch (ChannelClosedException closed) when (closed.InnerException is RpcException error)
        {
            throw error;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"no delta response for {ProxyId} within {timeout ?? DefaultTimeout}");
        }
    }

    /// <summary>Responses until one of <paramref name="typeUrl"/> arrives (that one last).</summary>
    public async Task<List<DeltaDiscoveryResponse>> ReceiveUntilAsync(string typeUrl, bool ack = true)
    {
        var received = new List<DeltaDiscoveryResponse>();
        while (true)
        {
            var response = await ReceiveAsync();
            received.Add(response);
            if (ack)
            {
                await AckAsync(response);
            }

            if (response.TypeUrl == typeUrl)
            {
                return received;
            }
        }
    }

    /// <summary>Asserts that no response arrives within <paramref name="window"/> (an idle period, not a performance bound).</summary>
    public async Task ExpectNothingAsync(TimeSpan? window = null)
    {
        using var cts = new CancellationTokenSource(window ?? TimeSpan.FromMilliseconds(600));
        try
        {
            var response = await _responses.Reader.ReadAsync(cts.Token);
            Assert.Fail($"unexpected {response.TypeUrl} response {response.Nonce}: [{string.Join(", ", response.Resources.Select(r => r.Name))}] removed [{string.Join(", ", response.RemovedResources)}]");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits until the server ends the call and returns its status.</summary>
    public async Task<RpcException> ExpectErrorAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                await _responses.Reader.ReadAsync(cts.Token);
            }
            catch (ChannelClosedException closed) when (closed.InnerException is RpcException error)
            {
                return error;
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException("the call ended with status OK");
            }
        }
    }

    public Task AckAsync(DeltaDiscoveryResponse response)
        => SendAsync(new DeltaDiscoveryRequest { TypeUrl = response.TypeUrl, ResponseNonce = response.Nonce });

    public Task NackAsync(DeltaDiscoveryResponse response, string error)
        => SendAsync(new DeltaDiscoveryRequest
        {
            TypeUrl = response.TypeUrl,
            ResponseNonce = response.Nonce,
            ErrorDetail = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = error },
        });

    public Task SubscribeAsync(string typeUrl, IEnumerable<string> subscribe, IEnumerable<string>? unsubscribe = null, string nonce = "")
    {
        var request = new DeltaDiscoveryRequest { TypeUrl = typeUrl, ResponseNonce = nonce };
        request.ResourceNamesSubscribe.AddRange(subscribe);
        request.ResourceNamesUnsubscribe.AddRange(unsubscribe ?? []);
        return SendAsync(request);
    }

    /// <summary>
    /// Envoy's start-up: wildcard CDS; EDS for the EDS clusters once they arrive; wildcard LDS once clusters and
    /// endpoints are ACKed; RDS for the routes the listeners name. Every response is ACKed.
    /// </summary>
    public async Task SyncAsync(bool sendInitialVersions = false)
    {
        var initialVersions = sendInitialVersions ? Held.ToDictionary(p => p.Key, p => new Dictionary<string, string>(p.Value)) : null;
        await SendAsync(WithInitial(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster }, XdsTypeUrls.Cluster, initialVersions));
        await ReceiveUntilAsync(XdsTypeUrls.Cluster);
        var edsClusters = EdsClusterNames();
        if (edsClusters.Count > 0)
        {
            var eds = WithInitial(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.ClusterLoadAssignment }, XdsTypeUrls.ClusterLoadAssignment, initialVersions);
            eds.ResourceNamesSubscribe.AddRange(edsClusters);
            await SendAsync(eds);
            await ReceiveUntilAsync(XdsTypeUrls.ClusterLoadAssignment);
        }

        await SendAsync(WithInitial(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Listener }, XdsTypeUrls.Listener, initialVersions));
        await ReceiveUntilAsync(XdsTypeUrls.Listener);
        var routes = RouteNames();
        if (routes.Count > 0)
        {
            var rds = WithInitial(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.RouteConfiguration }, XdsTypeUrls.RouteConfiguration, initialVersions);
            rds.ResourceNamesSubscribe.AddRange(routes);
            await SendAsync(rds);
            await ReceiveUntilAsync(XdsTypeUrls.RouteConfiguration);
        }
    }

    /// <summary>Takes over what a previous stream's client held, as a reconnecting Envoy keeps its resources.</summary>
    public void Adopt(DeltaAdsClient previous)
    {
        foreach (var (type, held) in previous.Held)
        {
            Held[type] = new Dictionary<string, string>(held, StringComparer.Ordinal);
        }

        foreach (var (key, resource) in previous._resources)
        {
            _resources[key] = resource;
        }
    }

    public IReadOnlyDictionary<string, string> HeldOf(string typeUrl)
        => Held.TryGetValue(typeUrl, out var held) ? held : new Dictionary<string, string>();

    private readonly Dictionary<(string Type, string Name), Any> _resources = [];

    public T Resource<T>(string typeUrl, string name)
        where T : Google.Protobuf.IMessage<T>, new()
        => _resources[(typeUrl, name)].Unpack<T>();

    /// <summary>Cluster names of type EDS, as Envoy subscribes to their endpoints.</summary>
    public List<string> EdsClusterNames()
        => [.. HeldOf(XdsTypeUrls.Cluster).Keys
            .Where(name => Resource<Cluster>(XdsTypeUrls.Cluster, name).Type == Cluster.Types.DiscoveryType.Eds)
            .Order(StringComparer.Ordinal)];

    public List<string> RouteNames()
        => [.. HeldOf(XdsTypeUrls.Listener).Keys
            .SelectMany(name => Resource<Listener>(XdsTypeUrls.Listener, name).FilterChains)
            .SelectMany(chain => chain.Filters)
            .Where(filter => filter.TypedConfig?.TypeUrl == XdsTypeUrls.HttpConnectionManager)
            .Select(filter => filter.TypedConfig.Unpack<HttpConnectionManager>())
            .Where(hcm => hcm.RouteSpecifierCase == HttpConnectionManager.RouteSpecifierOneofCase.Rds)
            .Select(hcm => hcm.Rds.RouteConfigName)
            .Distinct()
            .Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        try
        {
            await _pump;
        }
        catch (Exception)
        {
        }

        if (_ownsChannel)
        {
            _channel.Dispose();
        }
    }

    private static DeltaDiscoveryRequest WithInitial(DeltaDiscoveryRequest request, string typeUrl, Dictionary<string, Dictionary<string, string>>? initial)
    {
        if (initial is not null && initial.TryGetValue(typeUrl, out var versions))
        {
            request.InitialResourceVersions.Add(versions);
        }

        return request;
    }

    private readonly Dictionary<string, int> _lastSizes = [];

    /// <summary>Encoded size of the last response of <paramref name="typeUrl"/> received (0 if none).</summary>
    public int LastSize(string typeUrl) => _lastSizes.GetValueOrDefault(typeUrl);

    private void Apply(DeltaDiscoveryResponse response)
    {
        _lastSizes[response.TypeUrl] = response.CalculateSize();
        if (!Held.TryGetValue(response.TypeUrl, out var held))
        {
            Held[response.TypeUrl] = held = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        foreach (var resource in response.Resources)
        {
            held[resource.Name] = resource.Version;
            _resources[(response.TypeUrl, resource.Name)] = resource.Resource_;
        }

        foreach (var name in response.RemovedResources)
        {
            held.Remove(name);
            _resources.Remove((response.TypeUrl, name));
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var response in _call.ResponseStream.ReadAllAsync())
            {
                await _responses.Writer.WriteAsync(response);
            }

            _responses.Writer.TryComplete();
        }
        catch (RpcException error)
        {
            _responses.Writer.TryComplete(error);
        }
        catch (Exception error)
        {
            _responses.Writer.TryComplete(error);
        }
    }
}
