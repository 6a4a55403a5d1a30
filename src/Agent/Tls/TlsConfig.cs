namespace Mesh.Agent.Tls;

/// <summary>
/// Consul's <c>tls</c> block: <c>defaults</c> and the three interfaces that override it key by key. Files are read
/// and checked when the server starts (<see cref="TlsMaterialLoader"/>), not when the config is parsed.
/// </summary>
public sealed record TlsConfig
{
    public TlsStanza Defaults { get; init; } = new();

    public TlsStanza InternalRpc { get; init; } = new();

    public TlsStanza Https { get; init; } = new();

    public TlsStanza Grpc { get; init; } = new();

    /// <summary>The server port (Raft and server RPC).</summary>
    public TlsSettings ForInternalRpc() => TlsSettings.From("internal_rpc", InternalRpc.Over(Defaults));

    /// <summary>The HTTPS API; <c>verify_server_hostname</c> has no meaning there.</summary>
    public TlsSettings ForHttps() => TlsSettings.From("https", Https.Over(Defaults) with { VerifyServerHostname = false });

    /// <summary>
    /// The TLS gRPC port. <c>verify_incoming</c> is taken only from <c>tls.grpc</c> itself, never from
    /// <c>tls.defaults</c>: Envoy bootstraps written by <c>connect envoy</c> carry no client certificate, so a
    /// cluster-wide <c>defaults.verify_incoming</c> must not lock every sidecar out of xDS.
    /// </summary>
    public TlsSettings ForGrpc() => TlsSettings.From("grpc", Grpc.Over(Defaults with { VerifyIncoming = null }) with { VerifyOutgoing = false, VerifyServerHostname = false });
}
