using System.Net.Security;

namespace Mesh.Agent.Tls;

/// <summary>
/// Parses <c>tls_cipher_suites</c> (Go's names, comma-separated). The list limits TLS 1.2 only, as in Consul; TLS 1.3
/// suites are always added when a policy is built, since .NET's policy would otherwise disable TLS 1.3.
/// </summary>
public static class TlsCipherSuites
{
    private static readonly TlsCipherSuite[] Tls13 =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    public static IReadOnlyList<TlsCipherSuite> Parse(string? text, string key)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var suites = new List<TlsCipherSuite>();
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Go drops the _SHA256 of the ChaCha20 suites' names; .NET keeps the IANA name.
            if (Enum.TryParse<TlsCipherSuite>(raw, ignoreCase: false, out var suite) && raw.StartsWith("TLS_", StringComparison.Ordinal)
                || Enum.TryParse(raw + "_SHA256", ignoreCase: false, out suite) && raw.Contains("CHACHA20", StringComparison.Ordinal))
            {
                suites.Add(suite);
            }
            else
            {
                throw new TlsConfigException($"{key}: unknown cipher suite \"{raw}\"");
            }
        }

        return suites;
    }

    /// <summary>The policy for a connection, or null for the platform defaults (also off Linux, where .NET has no policy).</summary>
    public static CipherSuitesPolicy? Policy(IReadOnlyList<TlsCipherSuite> suites)
        => suites.Count == 0 || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) ? null : new CipherSuitesPolicy([.. suites, .. Tls13]);
}
