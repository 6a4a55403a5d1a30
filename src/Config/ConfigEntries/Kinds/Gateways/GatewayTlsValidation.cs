namespace Mesh.Config.ConfigEntries;

/// <summary>Consul's <c>validateTLSConfig</c> for gateway listeners: known versions, min ≤ max, cipher suites only below TLS 1.3.</summary>
internal static class GatewayTlsValidation
{
    private static readonly string[] Versions = ["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];

    private static readonly string[] Suites =
    [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    ];

    public static void Validate(string? min, string? max, IReadOnlyList<string>? cipherSuites)
    {
        Known(min);
        Known(max);
        if (Rank(min) is { } low && Rank(max) is { } high && high < low)
        {
            throw new InvalidConfigEntryException($"configuring max version {max} less than the configured min version {min} is invalid");
        }

        if (cipherSuites is not { Count: > 0 })
        {
            return;
        }

        if (min == "TLSv1_3")
        {
            throw new InvalidConfigEntryException("configuring CipherSuites is only applicable to connections negotiated with TLS 1.2 or earlier, TLSMinVersion is set to TLSv1_3");
        }

        foreach (var suite in cipherSuites.Where(suite => !Suites.Contains(suite)))
        {
            throw new InvalidConfigEntryException($"unsupported cipher suite: {suite}");
        }
    }

    private static void Known(string? version)
    {
        if (!string.IsNullOrEmpty(version) && !Versions.Contains(version))
        {
            throw new InvalidConfigEntryException($"unsupported TLS version: {version}");
        }
    }

    private static int? Rank(string? version) => version is null or "" or "TLS_AUTO" ? null : Array.IndexOf(Versions, version);
}
