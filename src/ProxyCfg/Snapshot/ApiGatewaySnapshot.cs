using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;

namespace Mesh.ProxyCfg;

/// <summary>
/// The api-gateway part of a snapshot (Consul's <c>configSnapshotAPIGateway</c>): the gateway entry's listeners, each
/// with the inline certificates it presents and the routes bound to it; the routed services are upstreams (one per
/// service, in <see cref="ConfigSnapshot.Upstreams"/>).
/// </summary>
public sealed record ApiGatewaySnapshot
{
    /// <summary>Listeners in the entry's order.</summary>
    public required ImmutableArray<ApiGatewayListenerSnapshot> Listeners { get; init; }
}

/// <summary>
/// One listener (Consul's bound listener): its name, port, protocol (http or tcp), host name, TLS parameters, the
/// inline certificates its TLS references that exist, the http-routes bound to it (http) or the services of the
/// tcp-routes bound to it (tcp).
/// </summary>
public sealed record ApiGatewayListenerSnapshot(
    string Name,
    int Port,
    string Protocol,
    string Hostname,
    ApiGatewayTlsConfiguration? Tls,
    ImmutableArray<InlineCertificateSnapshot> Certificates,
    ImmutableArray<HttpRouteEntry> HttpRoutes,
    ImmutableArray<UpstreamId> TcpServices);

/// <summary>An <c>inline-certificate</c> entry a listener presents.</summary>
public sealed record InlineCertificateSnapshot(string Name, string Certificate, string PrivateKey);
