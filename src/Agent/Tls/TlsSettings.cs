using System.Net.Security;
using System.Security.Authentication;

namespace Mesh.Agent.Tls;

/// <summary>The effective TLS settings of one interface, after <c>tls.defaults</c> is applied and names are parsed.</summary>
public sealed record TlsSettings
{
    /// <summary>The interface's stanza name (internal_rpc, https, grpc), used in messages.</summary>
    public required string Interface { get; init; }

    public string? CaFile { get; init; }

    public string? CaPath { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public string MinVersionName { get; init; } = TlsVersions.Default;

    public SslProtocols Protocols { get; init; } = TlsVersions.From(TlsVersions.Default);

    /// <summary>The TLS 1.2 suites allowed; empty for the platform's defaults.</summary>
    public IReadOnlyList<TlsCipherSuite> CipherSuites { get; init; } = [];

    public bool VerifyIncoming { get; init; }

    public bool VerifyOutgoing { get; init; }

    public bool VerifyServerHostname { get; init; }

    public bool HasCertificate => CertFile is not null && KeyFile is not null;

    public bool HasAuthorities => CaFile is not null || CaPath is not null;

    /// <summary>The files this interface reads, for change watching.</summary>
    public IEnumerable<string> Files => new[] { CaFile, CertFile, KeyFile }.OfType<string>();

    /// <summary>The key that identifies the material (one loaded copy is shared by interfaces naming the same files).</summary>
    public string MaterialKey => string.Join('\n', CaFile, CaPath, CertFile, KeyFile);

    /// <exception cref="TlsConfigException">An unknown version or cipher suite name.</exception>
    public static TlsSettings From(string name, TlsStanza stanza)
    {
        var version = stanza.TlsMinVersion ?? TlsVersions.Default;
        return new TlsSettings
        {
            Interface = name,
            CaFile = Blank(stanza.CaFile),
            CaPath = Blank(stanza.CaPath),
            CertFile = Blank(stanza.CertFile),
            KeyFile = Blank(stanza.KeyFile),
            MinVersionName = version,
            Protocols = TlsVersions.TryFrom(version, out var protocols)
                ? protocols
                : throw new TlsConfigException($"tls.{name}.tls_min_version: unknown TLS version \"{version}\" (use one of {string.Join(", ", TlsVersions.Names)})"),
            CipherSuites = TlsCipherSuites.Parse(stanza.TlsCipherSuites, $"tls.{name}.tls_cipher_suites"),
            VerifyIncoming = stanza.VerifyIncoming ?? false,
            VerifyOutgoing = (stanza.VerifyOutgoing ?? false) || (stanza.VerifyServerHostname ?? false),
            VerifyServerHostname = stanza.VerifyServerHostname ?? false,
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
