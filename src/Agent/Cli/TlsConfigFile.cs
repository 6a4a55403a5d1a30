using System.Text.Json;
using Mesh.Agent.Tls;

namespace Mesh.Agent.Cli;

/// <summary>
/// Consul's <c>tls</c> block in an agent config file, and the pre-1.12 top-level TLS keys it replaced (still
/// accepted, mapped to their new place as Consul does). Names are checked here; files when the server starts.
/// </summary>
public static class TlsConfigFile
{
    private static readonly HashSet<string> StanzaKeys =
    [
        "ca_file", "ca_path", "cert_file", "key_file", "tls_min_version", "tls_cipher_suites",
        "verify_incoming", "verify_outgoing", "verify_server_hostname", "use_auto_cert",
    ];

    public static TlsConfig ApplyBlock(TlsConfig tls, JsonElement block, string path)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("tls", path, "an object");
        }

        foreach (var stanza in block.EnumerateObject())
        {
            tls = stanza.Name switch
            {
                "defaults" => tls with { Defaults = ApplyStanza(tls.Defaults, stanza.Value, "tls.defaults", path, grpc: false, https: false) },
                "internal_rpc" => tls with { InternalRpc = ApplyStanza(tls.InternalRpc, stanza.Value, "tls.internal_rpc", path, grpc: false, https: false) },
                "https" => tls with { Https = ApplyStanza(tls.Https, stanza.Value, "tls.https", path, grpc: false, https: true) },
                "grpc" => tls with { Grpc = ApplyStanza(tls.Grpc, stanza.Value, "tls.grpc", path, grpc: true, https: false) },
                _ => throw new UsageException($"Error reading config file {path}: invalid config key \"tls.{stanza.Name}\""),
            };
        }

        return tls;
    }

    /// <summary>A deprecated top-level key (<c>ca_file</c>, <c>verify_incoming_rpc</c>, ...), or null when the key is not one.</summary>
    public static TlsConfig? ApplyLegacyKey(TlsConfig tls, JsonProperty property, string path)
    {
        var value = property.Value;
        var key = property.Name;
        return key switch
        {
            "ca_file" => tls with { Defaults = tls.Defaults with { CaFile = Text(value, key, path) } },
            "ca_path" => tls with { Defaults = tls.Defaults with { CaPath = Text(value, key, path) } },
            "cert_file" => tls with { Defaults = tls.Defaults with { CertFile = Text(value, key, path) } },
            "key_file" => tls with { Defaults = tls.Defaults with { KeyFile = Text(value, key, path) } },
            "tls_min_version" => tls with { Defaults = tls.Defaults with { TlsMinVersion = Version(value, key, path) } },
            "tls_cipher_suites" => tls with { Defaults = tls.Defaults with { TlsCipherSuites = Suites(value, key, path) } },
            "verify_incoming" => tls with { Defaults = tls.Defaults with { VerifyIncoming = Bool(value, key, path) } },
            "verify_outgoing" => tls with { Defaults = tls.Defaults with { VerifyOutgoing = Bool(value, key, path) } },
            "verify_incoming_rpc" => tls with { InternalRpc = tls.InternalRpc with { VerifyIncoming = Bool(value, key, path) } },
            "verify_incoming_https" => tls with { Https = tls.Https with { VerifyIncoming = Bool(value, key, path) } },
            "verify_server_hostname" => tls with { InternalRpc = tls.InternalRpc with { VerifyServerHostname = Bool(value, key, path) } },
            _ => null,
        };
    }

    private static TlsStanza ApplyStanza(TlsStanza stanza, JsonElement block, string name, string path, bool grpc, bool https)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, path, "an object");
        }

        foreach (var setting in block.EnumerateObject())
        {
            var key = $"{name}.{setting.Name}";
            var allowed = StanzaKeys.Contains(setting.Name)
                          && !(setting.Name == "use_auto_cert" && !grpc)
                          && !(setting.Name is "verify_outgoing" or "verify_server_hostname" && grpc)
                          && !(setting.Name == "verify_server_hostname" && https);
            if (!allowed)
            {
                throw new UsageException($"Error reading config file {path}: invalid config key \"{key}\"");
            }

            var value = setting.Value;
            stanza = setting.Name switch
            {
                "ca_file" => stanza with { CaFile = Text(value, key, path) },
                "ca_path" => stanza with { CaPath = Text(value, key, path) },
                "cert_file" => stanza with { CertFile = Text(value, key, path) },
                "key_file" => stanza with { KeyFile = Text(value, key, path) },
                "tls_min_version" => stanza with { TlsMinVersion = Version(value, key, path) },
                "tls_cipher_suites" => stanza with { TlsCipherSuites = Suites(value, key, path) },
                "verify_incoming" => stanza with { VerifyIncoming = Bool(value, key, path) },
                "verify_outgoing" => stanza with { VerifyOutgoing = Bool(value, key, path) },
                "verify_server_hostname" => stanza with { VerifyServerHostname = Bool(value, key, path) },
                _ => stanza with { UseAutoCert = Bool(value, key, path) },
            };
        }

        return stanza;
    }

    private static string Version(JsonElement value, string key, string path)
    {
        var name = Text(value, key, path);
        return TlsVersions.TryFrom(name, out _)
            ? name
            : throw new UsageException($"Error reading config file {path}: \"{key}\": unknown TLS version \"{name}\" (use one of {string.Join(", ", TlsVersions.Names)})");
    }

    private static string Suites(JsonElement value, string key, string path)
    {
        var text = Text(value, key, path);
        try
        {
            TlsCipherSuites.Parse(text, key);
        }
        catch (TlsConfigException error)
        {
            throw new UsageException($"Error reading config file {path}: {error.Message}");
        }

        return text;
    }

    private static string Text(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(key, path, "a string");

    private static bool Bool(JsonElement value, string key, string path)
        => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(key, path, "true or false");

    private static UsageException Invalid(string key, string path, string expected)
        => new($"Error reading config file {path}: \"{key}\" must be {expected}");
}
