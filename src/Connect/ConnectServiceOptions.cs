using System.Net.Security;

namespace Mesh.Connect;

/// <summary>Settings of a <see cref="ConnectService"/>.</summary>
public sealed record ConnectServiceOptions
{
    /// <summary>The HTTP API to use; null reads the environment (<see cref="ConnectApiOptions.FromEnvironment"/>).</summary>
    public ConnectApiOptions? Api { get; init; }

    /// <summary>ALPN offered by servers when the caller gives none (Consul's <c>ServerNextProtos</c>, default h2).</summary>
    public IReadOnlyList<SslApplicationProtocol> ServerApplicationProtocols { get; init; } = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>
    /// How long an authorize decision may be reused while the intention watch is healthy. The watch clears the cache
    /// on every intention change of the target; the TTL bounds the cost of a missed change.
    /// </summary>
    public TimeSpan AuthorizeCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>TCP connect timeout of <see cref="ConnectService.DialAsync(string, CancellationToken)"/>.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>TLS handshake timeout of dials and of <see cref="ConnectService.AcceptAsync"/>.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
