using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>mesh</c>: the single mesh-wide entry. Consul's struct has no Name; an explicit one must be <c>mesh</c>.</summary>
public sealed class MeshKind : ConfigEntryKind<MeshEntry>
{
    public const string KindName = "mesh";
    public const string EntryName = "mesh";

    private static readonly string[] TlsVersions = ["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];

    private static readonly string[] CipherSuites =
    [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    ];

    private static readonly string[] EscapedSlashesActions =
        ["IMPLEMENTATION_SPECIFIC_DEFAULT", "KEEP_UNCHANGED", "REJECT_REQUEST", "UNESCAPE_AND_REDIRECT", "UNESCAPE_AND_FORWARD"];

    private static readonly string[] UnderscoresActions = ["ALLOW", "REJECT_REQUEST", "DROP_HEADER"];

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    public override bool OpenRead => true;

    protected override MeshEntry Normalize(MeshEntry entry) => entry with { TransparentProxy = entry.TransparentProxy ?? new() };

    protected override void Validate(MeshEntry entry)
    {
        if (!string.IsNullOrEmpty(entry.Name) && entry.Name != EntryName)
        {
            throw Fail($"invalid name (\"{entry.Name}\"), only \"{EntryName}\" is supported");
        }

        ConfigMeta.Validate(entry.Meta);
        ValidateTls(entry.Tls?.Incoming, "incoming");
        ValidateTls(entry.Tls?.Outgoing, "outgoing");
        if (entry.Http?.Incoming?.RequestNormalization is { } normalization)
        {
            OneOf(normalization.PathWithEscapedSlashesAction, EscapedSlashesActions, "HTTP.Incoming.RequestNormalization.PathWithEscapedSlashesAction");
            OneOf(normalization.HeadersWithUnderscoresAction, UnderscoresActions, "HTTP.Incoming.RequestNormalization.HeadersWithUnderscoresAction");
        }
    }

    protected override string NameOf(MeshEntry entry) => EntryName;

    protected override MeshEntry WithoutEnvelope(MeshEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };

    private static void ValidateTls(MeshDirectionalTlsConfig? tls, string direction)
    {
        if (tls is null)
        {
            return;
        }

        var field = $"TLS.{char.ToUpperInvariant(direction[0])}{direction[1..]}";
        OneOf(tls.TlsMinVersion, TlsVersions, $"{field}.TLSMinVersion");
        OneOf(tls.TlsMaxVersion, TlsVersions, $"{field}.TLSMaxVersion");
        if (Rank(tls.TlsMinVersion) is { } min && Rank(tls.TlsMaxVersion) is { } max && max < min)
        {
            throw Fail($"error in {direction} TLS configuration: configuring max version {tls.TlsMaxVersion} less than the configured min version {tls.TlsMinVersion} is invalid");
        }

        if (tls.CipherSuites is { Count: > 0 } suites)
        {
            if (tls.TlsMinVersion == "TLSv1_3")
            {
                throw Fail($"error in {direction} TLS configuration: configuring CipherSuites is only applicable to connections negotiated with TLS 1.2 or earlier, TLSMinVersion is set to TLSv1_3");
            }

            foreach (var suite in suites.Where(suite => !CipherSuites.Contains(suite)))
            {
                throw Fail($"{field}.CipherSuites: unsupported cipher suite \"{suite}\"");
            }
        }
    }

    private static int? Rank(string? version) => version is null or "" or "TLS_AUTO" ? null : Array.IndexOf(TlsVersions, version);

    private static void OneOf(string? value, string[] allowed, string field)
    {
        if (!string.IsNullOrEmpty(value) && !allowed.Contains(value))
        {
            throw Fail($"{field}: \"{value}\" is not valid, must be one of {string.Join(", ", allowed)}");
        }
    }
}
