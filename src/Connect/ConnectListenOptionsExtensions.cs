using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mesh.Connect;

/// <summary>The caller's Connect identity on a connection accepted by <see cref="ConnectListenOptionsExtensions.UseConnect"/>.</summary>
public sealed record ConnectPeerFeature(SpiffeId PeerId);

/// <summary>Kestrel endpoints that speak Connect mTLS.</summary>
public static class ConnectListenOptionsExtensions
{
    /// <summary>
    /// Terminates Connect mTLS on this endpoint with <paramref name="service"/>'s current leaf (re-read per handshake,
    /// so rotation needs no restart), requires a client certificate chained to the current roots, and refuses the
    /// connection before any request is read unless <c>/v1/agent/connect/authorize</c> allows the caller. ALPN follows
    /// <see cref="ListenOptions.Protocols"/> (h2 and/or http/1.1). The caller's identity is on
    /// <c>HttpContext.Features.Get&lt;ConnectPeerFeature&gt;()</c>.
    /// </summary>
    public static ListenOptions UseConnect(this ListenOptions listenOptions, ConnectService service)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(service);
        List<SslApplicationProtocol> alpn = listenOptions.Protocols switch
        {
            HttpProtocols.Http2 => [SslApplicationProtocol.Http2],
            HttpProtocols.Http1 => [SslApplicationProtocol.Http11],
            _ => [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
        // Connect clients in .NET send https:// requests as http:// over the TLS stream they dialed themselves (the
        // handler must not add a second TLS layer), so HTTP/2 requests arrive with :scheme http.
        listenOptions.KestrelServerOptions.AllowAlternateSchemes = true;
        listenOptions.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(service.CreateServerOptions(alpn)),
            HandshakeTimeout = service.Options.HandshakeTimeout,
        });
        listenOptions.Use(next => async connection =>
        {
            var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
            var decision = await service.AuthorizeAsync(certificate, connection.ConnectionClosed).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                connection.Abort(new ConnectionAbortedException("connect: authz denied: " + decision.Reason));
                return;
            }

            connection.Features.Set(new ConnectPeerFeature(SpiffeId.FromCertificate(certificate!)!));
            await next(connection).ConfigureAwait(false);
        });
        return listenOptions;
    }
}
