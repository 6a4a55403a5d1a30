using System.Net.Security;

namespace Mesh.Raft.Transport;

/// <summary>
/// TLS on the server port (Consul's <c>tls.internal_rpc</c>). TLS comes first on a connection and the one-byte
/// protocol preamble travels inside it, so Raft and RPC are both encrypted and routed exactly as in plaintext.
/// The option factories are called per connection, so a reloaded certificate is used by the next connection.
/// </summary>
public sealed record ServerPortTls
{
    /// <summary>Plaintext in both directions (no certificate configured).</summary>
    public static ServerPortTls Plaintext { get; } = new();

    /// <summary>Server-side handshake options; null when this server has no certificate and so cannot accept TLS.</summary>
    public Func<SslServerAuthenticationOptions>? Accept { get; init; }

    /// <summary><c>verify_incoming</c>: plaintext connections are refused; peers must present a verified certificate.</summary>
    public bool RequireTls { get; init; }

    /// <summary>Client-side handshake options (<c>verify_outgoing</c>); null dials plaintext.</summary>
    public Func<SslClientAuthenticationOptions>? Dial { get; init; }

    /// <summary>Handshakes that take longer are abandoned, so a peer that never speaks cannot hold a connection.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first byte of a TLS record carrying a handshake message (a ClientHello on a new connection).</summary>
    public const byte HandshakeRecord = 0x16;
}
