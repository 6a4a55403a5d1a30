using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Mesh.Connect;
using Microsoft.Extensions.Logging;

namespace Mesh.ConnectProxy;

/// <summary>
/// The built-in L4 proxy (<c>mesh connect proxy</c>): a public listener that terminates Connect mTLS (authorize per
/// new connection) and forwards to the local application, and one plaintext local listener per upstream that opens
/// Connect mTLS to a healthy instance of the destination. Configuration changes are applied live: listeners whose
/// address changed are rebound, new upstreams start, removed ones stop; established connections are left alone.
/// </summary>
public sealed class ConnectProxyRunner : IAsyncDisposable
{
    private const string PublicName = "public";
    private readonly ConnectApiOptions _api;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly string? _metricsAddress;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<(string Address, int Port), (UpstreamConfig Config, ProxyListener Listener)> _upstreams = [];
    private readonly TaskCompletionSource _firstConfigApplied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private PublicListenerConfig? _publicBound;
    private ConnectService? _publicDeferredFor;
    private volatile ProxyConfig? _config;
    private ConnectService? _service;
    private ProxyListener? _public;
    private MetricsEndpoint? _metricsEndpoint;

    public ConnectProxyRunner(ConnectApiOptions api, ILoggerFactory loggerFactory, string? metricsAddress = null)
    {
        _api = api;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Mesh.ConnectProxy");
        _metricsAddress = metricsAddress;
    }

    public ProxyMetrics Metrics { get; } = new();

    public ConnectService? Service => _service;

    /// <summary>Completes once the first configuration's listeners are bound.</summary>
    public Task Started => _firstConfigApplied.Task;

    public IPEndPoint? PublicEndPoint => _public?.EndPoint;

    public IPEndPoint? MetricsEndPoint => _metricsEndpoint?.EndPoint;

    public IReadOnlyDictionary<string, IPEndPoint> UpstreamEndPoints => _upstreams.Values.ToDictionary(u => u.Config.DestinationName, u => u.Listener.EndPoint);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, applying each configuration from the source.</summary>
    public async Task RunAsync(IProxyConfigSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        try
        {
            await foreach (var config in source.ReadAsync(linked.Token).ConfigureAwait(false))
            {
                await _applyGate.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    await ApplyAsync(config).ConfigureAwait(false);
                }
                finally
                {
                    _applyGate.Release();
                }

                _firstConfigApplied.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(ProxyConfig config)
    {
        var previous = _config;
        ProxyLog.ConfigChanged(_logger, previous is null ? $"starting as {config.Service} ({config.ProxyId ?? "flags"})" : "registration updated");
        if (_service is not null && previous?.Service != config.Service)
        {
            // A new identity: every listener serves the old one, so start over.
            await StopListenersAsync().ConfigureAwait(false);
            await _service.DisposeAsync().ConfigureAwait(false);
            _service = null;
        }

        _config = config;
        if (_service is null)
        {
            _service = ConnectService.Start(config.Service, new ConnectServiceOptions { Api = _api, ServerApplicationProtocols = [] }, _loggerFactory);
            var service = _service;
            _ = service.Ready.ContinueWith(
                _ => ProxyLog.Identity(_logger, service.Leaf?.Identity?.ToString() ?? "?", string.Join(", ", service.Roots?.Certificates.Select(c => c.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)) ?? [])),
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }

        var metricsAddress = _metricsAddress ?? config.PrometheusBindAddress;
        if (_metricsEndpoint is null && metricsAddress is not null)
        {
            try
            {
                _metricsEndpoint = new MetricsEndpoint(ParseEndPoint(metricsAddress, "metrics address"), Metrics);
                ProxyLog.MetricsListening(_logger, _metricsEndpoint.EndPoint.ToString());
            }
            catch (Exception error) when (error is SocketException or ProxyConfigException)
            {
                ProxyLog.ListenFailed(_logger, "metrics", metricsAddress, error.Message);
            }
        }

        await ApplyUpstreamsAsync(config).ConfigureAwait(false);
        if (_service.Ready.IsCompletedSuccessfully)
        {
            await ApplyPublicAsync(config).ConfigureAwait(false);
        }
        else if (_publicDeferredFor != _service)
        {
            // As Consul's proxy: the public listener (and so the sidecar's TCP health check) comes up only once a
            // leaf and the roots are loaded. Upstream listeners run already and refuse with a clear reason meanwhile.
            _publicDeferredFor = _service;
            _ = BindPublicWhenReadyAsync(_service);
        }
    }

    private async Task BindPublicWhenReadyAsync(ConnectService service)
    {
        try
        {
            await service.Ready.WaitAsync(_stop.Token).ConfigureAwait(false);
            await _applyGate.WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (_service == service && _config is { } config)
            {
                await ApplyPublicAsync(config).ConfigureAwait(false);
            }
        }
        finally
        {
            _applyGate.Release();
        }
    }

    private async Task ApplyPublicAsync(ProxyConfig config)
    {
        var before = _publicBound;
        var after = config.Public;
        if (_public is not null && (after is null || before is null || before.BindAddress != after.BindAddress || before.BindPort != after.BindPort))
        {
            await _public.DisposeAsync().ConfigureAwait(false);
            _public = null;
            _publicBound = null;
        }

        if (_public is not null)
        {
            _public.MaxConnections = config.MaxConnections;
        }
        else if (after is not null)
        {
            _public = Listen(PublicName, $"{after.BindAddress}:{after.BindPort}", config.MaxConnections, HandlePublicAsync);
            _publicBound = _public is null ? null : after;
        }
    }

    private async Task ApplyUpstreamsAsync(ProxyConfig config)
    {
        var wanted = config.Upstreams.ToDictionary(u => (u.LocalBindAddress, u.LocalBindPort));
        foreach (var (key, current) in _upstreams.ToList())
        {
            if (!wanted.TryGetValue(key, out var next) || next != current.Config)
            {
                await current.Listener.DisposeAsync().ConfigureAwait(false);
                _upstreams.Remove(key);
            }
        }

        foreach (var (key, upstream) in wanted)
        {
            if (_upstreams.TryGetValue(key, out var existing))
            {
                existing.Listener.MaxConnections = config.MaxConnections;
                continue;
            }

            var listener = Listen(upstream.ListenerName, $"{upstream.LocalBindAddress}:{upstream.LocalBindPort}", config.MaxConnections, (socket, ct) => HandleUpstreamAsync(upstream, socket, ct));
            if (listener is not null)
            {
                _upstreams[key] = (upstream, listener);
            }
        }
    }

    private ProxyListener? Listen(string name, string address, int maxConnections, Func<Socket, CancellationToken, Task> handle)
    {
        try
        {
            var listener = new ProxyListener(name, ParseEndPoint(address, name), maxConnections, handle, Metrics, _logger, _stop.Token);
            ProxyLog.Listening(_logger, _config?.Service ?? "?", name, listener.EndPoint.ToString());
            return listener;
        }
        catch (Exception error) when (error is SocketException or ProxyConfigException)
        {
            ProxyLog.ListenFailed(_logger, name, address, error.Message);
            return null;
        }
    }

    private async Task HandlePublicAsync(Socket socket, CancellationToken cancellationToken)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var config = _config;
        var service = _service;
        if (config?.Public is not { } settings || service is null)
        {
            return;
        }

        if (!await LooksLikeTlsAsync(socket, remote, settings.HandshakeTimeout, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        ConnectPeer peer;
        var transport = new GatheringSocketStream(socket, ownsSocket: false);
        try
        {
            peer = await service.AcceptAsync(transport, [], settings.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectException error)
        {
            Refuse(PublicName, remote, error);
            return;
        }

        await using (peer.Stream.ConfigureAwait(false))
        {
            Socket local;
            try
            {
                local = await ConnectLocalAsync(settings.LocalServiceAddress, settings.LocalServicePort, settings.LocalConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectException error)
            {
                Metrics.Refused(PublicName, "local_app_unreachable");
                ProxyLog.Refused(_logger, PublicName, $"{remote} ({peer.PeerId.Service})", error.Message);
                return;
            }

            await using var localStream = new NetworkStream(local, ownsSocket: true);
            await PumpAsync(PublicName, remote, new BytePump.End(peer.Stream, transport), new BytePump.End(localStream), config.IdleTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Peeks at the first byte: a peer that closes without sending anything (a TCP health check) is not a handshake
    /// failure, and a first byte that is not a TLS handshake record (0x16) is a plaintext client, said so in the log.
    /// </summary>
    private async Task<bool> LooksLikeTlsAsync(Socket socket, string remote, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var first = new byte[1];
        int read;
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bounded.CancelAfter(timeout);
            try
            {
                read = await socket.ReceiveAsync(first, SocketFlags.Peek, bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Metrics.HandshakeFailure(PublicName);
                ProxyLog.Refused(_logger, PublicName, remote, $"TLS handshake failed: no bytes within {timeout.TotalMilliseconds:0} ms");
                return false;
            }
            catch (SocketException)
            {
                read = 0;
            }
        }

        if (read == 0)
        {
            Metrics.Refused(PublicName, "closed_before_handshake");
            ProxyLog.ClosedBeforeHandshake(_logger, remote);
            return false;
        }

        if (first[0] != 0x16)
        {
            Metrics.HandshakeFailure(PublicName);
            ProxyLog.Refused(_logger, PublicName, remote, "TLS handshake failed: the client speaks plaintext (first byte is not a TLS handshake record); the public listener accepts only Connect mTLS");
            return false;
        }

        return true;
    }

    private async Task HandleUpstreamAsync(UpstreamConfig upstream, Socket socket, CancellationToken cancellationToken)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var service = _service;
        var config = _config;
        if (service is null || config is null)
        {
            return;
        }

        ConnectPeer peer;
        GatheringSocketStream? transport = null;
        try
        {
            using var resolveTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            resolveTimeout.CancelAfter(upstream.ConnectTimeout);
            if (service.Leaf is null || service.Roots is null)
            {
                throw new ConnectException(ConnectFailure.NotReady, $"no leaf certificate or roots for \"{service.ServiceName}\" yet (is the server reachable?)");
            }

            ConnectEndpoint endpoint;
            try
            {
                endpoint = await service.ResolveAsync(upstream.DestinationName, resolveTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ConnectException(ConnectFailure.NoHealthyInstances, $"no answer about healthy instances of \"{upstream.DestinationName}\" within {upstream.ConnectTimeout.TotalMilliseconds:0} ms");
            }

            peer = await service.DialAsync(endpoint, [], upstream.ConnectTimeout, connected => transport = new GatheringSocketStream(connected, ownsSocket: true), cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectException error)
        {
            Refuse(upstream.ListenerName, remote, error);
            return;
        }

        await using (peer.Stream.ConfigureAwait(false))
        {
            await using var localStream = new NetworkStream(socket, ownsSocket: false);
            await PumpAsync(upstream.ListenerName, remote, new BytePump.End(localStream), new BytePump.End(peer.Stream, transport), config.IdleTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(string listener, string remote, BytePump.End accepted, BytePump.End dialed, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var (end, totalIn, totalOut) = await BytePump.RunAsync(
            accepted, dialed, Metrics.BytesCounter(listener, "in"), Metrics.BytesCounter(listener, "out"), idleTimeout, cancellationToken).ConfigureAwait(false);
        if (end == PumpEnd.Idle)
        {
            Metrics.Refused(listener, "idle_timeout");
            ProxyLog.IdleClosed(_logger, listener, remote, (long)idleTimeout.TotalMilliseconds);
        }

        ProxyLog.Closed(_logger, listener, remote, totalIn, totalOut);
    }

    private void Refuse(string listener, string remote, ConnectException error)
    {
        switch (error.Failure)
        {
            case ConnectFailure.HandshakeFailed:
                Metrics.HandshakeFailure(listener);
                break;
            case ConnectFailure.Denied:
                Metrics.AuthorizeDenial(listener);
                break;
            default:
                Metrics.Refused(listener, error.Failure switch
                {
                    ConnectFailure.NotReady => "not_ready",
                    ConnectFailure.NoHealthyInstances => "no_healthy_instances",
                    _ => "dial_failed",
                });
                break;
        }

        ProxyLog.Refused(_logger, listener, remote, error.Message);
    }

    private static async Task<Socket> ConnectLocalAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, bounded.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ConnectException(ConnectFailure.DialFailed, $"cannot reach the local application at {host}:{port}: {(error is OperationCanceledException ? $"timeout after {timeout.TotalMilliseconds:0} ms" : error.Message)}");
        }
    }

    /// <summary><c>host:port</c> with an IP host (or <c>localhost</c>).</summary>
    public static IPEndPoint ParseEndPoint(string address, string what)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon].Trim('[', ']') : string.Empty;
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ProxyConfigException($"{what}: \"{address}\" is not host:port");
        }

        if (host == "localhost")
        {
            host = "127.0.0.1";
        }

        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new ProxyConfigException($"{what}: \"{host}\" is not an IP address");
    }

    private async Task StopListenersAsync()
    {
        if (_public is not null)
        {
            await _public.DisposeAsync().ConfigureAwait(false);
            _public = null;
            _publicBound = null;
        }

        _publicDeferredFor = null;
        foreach (var (_, (_, listener)) in _upstreams)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _upstreams.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await StopListenersAsync().ConfigureAwait(false);
        if (_metricsEndpoint is not null)
        {
            await _metricsEndpoint.DisposeAsync().ConfigureAwait(false);
        }

        if (_service is not null)
        {
            await _service.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _applyGate.Dispose();
    }
}
