using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mesh.Agent.Hosting;

/// <summary>
/// Kestrel's TLS for an interface: the handshake options come from <see cref="Mesh.Agent.Tls.TlsHandshakeOptions"/>
/// per connection (Kestrel's handshake callback), so a reloaded certificate or CA applies to the next connection and
/// client certificates are checked against the configured CA rather than the system store.
/// </summary>
internal static class TlsListener
{
    public static TimeSpan HandshakeTimeout { get; } = TimeSpan.FromSeconds(10);

    public static TlsHandshakeCallbackOptions Options(Mesh.Agent.Tls.TlsHandshakeOptions tls, List<SslApplicationProtocol> alpn) => new()
    {
        OnConnection = _ => ValueTask.FromResult(tls.Accept(alpn)),
        HandshakeTimeout = HandshakeTimeout,
    };
}
