using System.Security.Authentication;

namespace Mesh.Agent.Tls;

/// <summary>Consul's <c>tls_min_version</c> names, mapped to the protocols a connection may use (that version and later).</summary>
public static class TlsVersions
{
    public const string Default = "TLSv1_2";

    public static IReadOnlyList<string> Names { get; } = ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];

    public static bool TryFrom(string name, out SslProtocols protocols)
    {
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 and 1.1 are what an operator asked for by name; the OS may still refuse them.
        protocols = name switch
        {
            "TLSv1_0" or "tls10" => SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13,
            "TLSv1_1" or "tls11" => SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13,
            "TLSv1_2" or "tls12" => SslProtocols.Tls12 | SslProtocols.Tls13,
            "TLSv1_3" or "tls13" => SslProtocols.Tls13,
            _ => SslProtocols.None,
        };
#pragma warning restore SYSLIB0039, CA5397
        return protocols != SslProtocols.None;
    }

    public static SslProtocols From(string name)
        => TryFrom(name, out var protocols) ? protocols : throw new TlsConfigException($"unknown TLS version \"{name}\"");
}
