using System.Net;
using Mesh.Server.Hosting;
using Mesh.Server.Metrics;
using Mesh.XdsServer.ConsulApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer.Hosting;

/// <summary>
/// The gRPC port (Consul's <c>ports.grpc</c>) as one of the server's hosted services: a Kestrel listener that speaks
/// HTTP/2 only (gRPC over plaintext needs prior knowledge, as Envoy's <c>http2_protocol_options</c> cluster does),
/// serving Envoy's AggregatedDiscoveryService. HTTP/2 keepalive pings find proxies that vanished without closing
/// their connection. The TLS gRPC port (<c>ports.grpc_tls</c>) is another listener of the same application; it asks
/// for no client certificate unless <c>tls.grpc.verify_incoming</c> says so, because Envoy bootstraps carry none.
/// Stopping drains streams with UNAVAILABLE so proxies reconnect to another server.
/// </summary>
/// <remarks>
/// The application (Kestrel options, the gRPC services and their method tables) is built in
/// <see cref="BeginPreparation"/>, on the thread pool while Raft opens; <see cref="StartAsync"/> binds and serves.
/// </remarks>
public sealed partial class XdsGrpcHost(XdsServerContext context, XdsHostOptions options, ServerMetrics metrics, PublicServicesContext publicServices, XdsHostLifetime lifetime) : IPreparedHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = lifetime.Stopping;
    private readonly PreparedApplication<WebApplication> _prepared = new();
    private WebApplication? _web;
    private Task _serverSetFeed = Task.CompletedTask;
    private int _disposed;

    public XdsServerContext Context => context;

    /// <summary>How often an idle connection is pinged, and how long a ping may go unanswered before it is closed.</summary>
    public static TimeSpan KeepAlivePingDelay { get; } = TimeSpan.FromSeconds(30);

    public static TimeSpan KeepAlivePingTimeout { get; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Concurrent streams one connection may open. Envoy and proxyless gRPC open one ADS stream per connection; the
    /// bound keeps one client from tying up unbounded handlers and buffers. It must not be below 100: HTTP/2 clients
    /// (.NET's SocketsHttpHandler, grpc-go) assume 100 until the server's SETTINGS arrive, so a client that opens many
    /// streams at once on a new connection had the ones above a lower bound refused, and .NET's duplex gRPC calls then
    /// never completed (a third of a 100-stream load run never got its initial config with a bound of 32).
    /// </summary>
    public const int MaxStreamsPerConnection = 100;

    /// <summary>Request bytes a stream may have unread by its handler before its client must wait.</summary>
    public const int StreamWindowBytes = 64 * 1024;

    /// <summary>
    /// Kestrel returns connection-level credit only as handlers read, so streams whose handlers are blocked (their
    /// client never reads responses, so the handler waits to write) hold their unread request bytes against the
    /// connection window, and would starve a well-behaved stream on the same connection (its ACKs could not be sent).
    /// Kestrel also returns credit in batches of half the window, so up to half of it can be read yet not returned.
    /// Twice every stream's window together leaves room for both: stalled streams can only use up their own windows
    /// (<c>SharedConnectionTests</c> hung now and then with once, not twice, the streams' windows).
    /// </summary>
    public const int ConnectionWindowBytes = 2 * MaxStreamsPerConnection * StreamWindowBytes;

    public void BeginPreparation() => _prepared.Begin(Build);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var web = await _prepared.GetAsync(Build, cancellationToken).ConfigureAwait(false);
        _web = web;
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        _serverSetFeed = publicServices.Servers.RunAsync(_stopping.Token);
        TrackMetrics();
    }

    /// <summary>The application with its listeners configured and every gRPC service mapped, not yet listening.</summary>
    private WebApplication Build()
    {
        // No appsettings reload: its watcher follows the working directory recursively (inotify), and with a data
        // folder below it every Raft log write woke it (each server watched all three servers' logs under /tmp in
        // Mesh.LoadTest; a service whose working directory is / would watch the whole file system).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(context.LoggerFactory);
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(publicServices);
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.KeepAlivePingDelay = KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = KeepAlivePingTimeout;
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            kestrel.Limits.Http2.InitialStreamWindowSize = StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = ConnectionWindowBytes;
            foreach (var address in options.Addresses)
            {
                if (options.Port >= 0)
                {
                    kestrel.Listen(IPAddress.Parse(address), options.Port, listen => listen.Protocols = HttpProtocols.Http2);
                }

                if (options.ConfigureTls is { } tls && options.TlsPort > 0)
                {
                    kestrel.Listen(IPAddress.Parse(address), options.TlsPort, listen =>
                    {
                        listen.Protocols = HttpProtocols.Http2;
                        tls(listen);
                    });
                }
            }
        });
        var web = builder.Build();
        web.MapGrpcService<AdsService>();

        // Consul's public services for agentless dataplanes and other gRPC clients, listed by reflection.
        web.MapGrpcService<DataplaneGrpcService>();
        web.MapGrpcService<ServerDiscoveryGrpcService>();
        web.MapGrpcService<ConnectCaGrpcService>();
        web.MapGrpcService<AclLoginGrpcService>();
        web.MapGrpcReflectionService();
        return web;
    }

    /// <summary>Ends every stream with UNAVAILABLE (bounded by the drain timeout), then stops the listener.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_web is not { } web)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _serverSetFeed.ConfigureAwait(false);
        await context.Streams.DrainAsync(context.Options.DrainTimeout).ConfigureAwait(false);
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await web.StopAsync(grace.Token).ConfigureAwait(false);
        }

        Log.Stopped(context.LoggerFactory.CreateLogger<XdsGrpcHost>(), context.Streams.Metrics.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this once as itself and once as the hosted service.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _serverSetFeed.ConfigureAwait(false);
        // The application, started or only prepared, is released once, with its preparation.
        _web = null;
        await _prepared.DisposeAsync().ConfigureAwait(false);
    }

    private void TrackMetrics()
    {
        var proxies = context.Proxies;
        metrics.Track(context.Streams.Metrics.Meter);
        metrics.ObserveCounter(MetricNames.ProxyCfgBuilds, () => proxies.Builds, "Proxy config snapshots built");
        metrics.ObserveCounter(MetricNames.ProxyCfgPublishes, () => proxies.Publishes, "Proxy config snapshots published to watchers");
        metrics.ObserveGauge(MetricNames.ProxyCfgWatchedProxies, () => proxies.WatchedProxies, "Proxies with a config watch on this server");
        metrics.ObserveGauge(MetricNames.ProxyCfgWatchedProxyless, () => proxies.WatchedProxyless, "Proxyless client keys (node or declared service, token) with a snapshot watch on this server");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "xDS server stopped: {Metrics}")]
        public static partial void Stopped(ILogger logger, string metrics);
    }
}
