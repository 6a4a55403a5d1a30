namespace Mesh.Agent.Tls;

/// <summary>
/// One stanza of Consul's <c>tls</c> block (<c>defaults</c>, <c>internal_rpc</c>, <c>https</c> or <c>grpc</c>) as
/// written: a key left out is null and is taken from <c>tls.defaults</c>.
/// </summary>
public sealed record TlsStanza
{
    public string? CaFile { get; init; }

    public string? CaPath { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Consul's name: TLSv1_0, TLSv1_1, TLSv1_2 or TLSv1_3.</summary>
    public string? TlsMinVersion { get; init; }

    /// <summary>Comma-separated cipher suite names (Go's names); they apply to TLS 1.2 and below.</summary>
    public string? TlsCipherSuites { get; init; }

    public bool? VerifyIncoming { get; init; }

    public bool? VerifyOutgoing { get; init; }

    public bool? VerifyServerHostname { get; init; }

    /// <summary><c>tls.grpc.use_auto_cert</c>: accepted; Mesh has no auto_encrypt certificates to use.</summary>
    public bool? UseAutoCert { get; init; }

    /// <summary>This stanza's keys, falling back key by key to <paramref name="defaults"/>.</summary>
    public TlsStanza Over(TlsStanza defaults) => new()
    {
        CaFile = CaFile ?? defaults.CaFile,
        CaPath = CaPath ?? defaults.CaPath,
        CertFile = CertFile ?? defaults.CertFile,
        KeyFile = KeyFile ?? defaults.KeyFile,
        TlsMinVersion = TlsMinVersion ?? defaults.TlsMinVersion,
        TlsCipherSuites = TlsCipherSuites ?? defaults.TlsCipherSuites,
        VerifyIncoming = VerifyIncoming ?? defaults.VerifyIncoming,
        VerifyOutgoing = VerifyOutgoing ?? defaults.VerifyOutgoing,
        VerifyServerHostname = VerifyServerHostname ?? defaults.VerifyServerHostname,
        UseAutoCert = UseAutoCert ?? defaults.UseAutoCert,
    };
}
