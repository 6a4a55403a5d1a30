using System.Net;
using Mesh.XdsServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Hosting;

/// <summary>
/// The gRPC port (Consul's <c>ports.grpc</c>): a Kestrel listener that speaks HTTP/2 only (gRPC over plaintext needs
/// prior knowledge, as Envoy's <c>http2_protocol_options</c> cluster does), serving Envoy's AggregatedDiscoveryService.
/// HTTP/2 keepalive pings find proxies that vanished without closing their connection. The TLS gRPC port
/// (<c>ports.grpc_tls</c>) is another listener of the same application; it asks for no client certificate unless
/// <c>tls.grpc.verify_incoming</c> says so, because Envoy bootstraps carry none.
/// </summary>
internal sealed class XdsGrpcHost : IAsyncDisposable
{
    private readonly WebApplication _web;

    private XdsGrpcHost(WebApplication web, XdsServerContext context)
    {
        _web = web;
        Context = context;
    }

    public XdsServerContext Context { get; }

    private static readonly List<System.Net.Security.SslApplicationProtocol> Http2Only = [System.Net.Security.SslApplicationProtocol.Http2];

    /// <summary>How often an idle connection is pinged, and how long a ping may go unanswered before it is closed.</summary>
    public static TimeSpan KeepAlivePingDelay { get; } = TimeSpan.FromSeconds(30);

    public static TimeSpan KeepAlivePingTimeout { get; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Concurrent streams one connection may open. Envoy and proxyless gRPC open one ADS stream per connection; the
    /// bound keeps one client from tying up unbounded handlers and buffers.
    /// </summary>
    public const int MaxStreamsPerConnection = 32;

    /// <summary>Request bytes a stream may have unread by its handler before its client must wait.</summary>
    public const int StreamWindowBytes = 64 * 1024;

    /// <summary>
    /// Kestrel returns connection-level credit only as handlers read, so streams whose handlers are blocked (their
    /// client never reads responses, so the handler waits to write) would hold the whole connection window (128 KiB
    /// by default) and starve a well-behaved stream on the same connection. A connection window as large as every
    /// stream's window together means stalled streams can only ever use up their own windows.
    /// </summary>
    public const int ConnectionWindowBytes = MaxStreamsPerConnection * StreamWindowBytes;

    /// <summary>
    /// Starts the plaintext port (<paramref name="port"/>, skipped when negative) and, with <paramref name="tls"/>, the
    /// TLS port (<paramref name="tlsPort"/>): one gRPC application, so both serve the same services and streams.
    /// </summary>
    public static async Task<XdsGrpcHost> StartAsync(IEnumerable<string> addresses, int port, int tlsPort, Mesh.Agent.Tls.TlsHandshakeOptions? tls, XdsServerContext context, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(context.LoggerFactory);
        builder.Services.AddSingleton(context);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.KeepAlivePingDelay = KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = KeepAlivePingTimeout;
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            kestrel.Limits.Http2.InitialStreamWindowSize = StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = ConnectionWindowBytes;
            foreach (var address in addresses)
            {
                if (port >= 0)
                {
                    kestrel.Listen(IPAddress.Parse(address), port, listen => listen.Protocols = HttpProtocols.Http2);
                }

                if (tls is not null && tlsPort > 0)
                {
                    kestrel.Listen(IPAddress.Parse(address), tlsPort, listen =>
                    {
                        listen.Protocols = HttpProtocols.Http2;
                        listen.UseHttps(TlsListener.Options(tls, Http2Only));
                    });
                }
            }
        });
        var web = builder.Build();
        web.MapGrpcService<AdsService>();
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        return new XdsGrpcHost(web, context);
    }

    /// <summary>
    /// Ends every stream with UNAVAILABLE so proxies reconnect to another server (bounded by the drain timeout), then
    /// stops the listener.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Context.Streams.DrainAsync(Context.Options.DrainTimeout).ConfigureAwait(false);
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _web.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _web.DisposeAsync().ConfigureAwait(false);
    }
}
