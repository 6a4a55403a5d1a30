using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Ca.Crypto;
using Mesh.Config.Durations;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Config;

/// <summary>
/// Reads a provider configuration as Consul's consul provider does: keys match case-insensitively and in snake_case
/// (<c>leaf_cert_ttl</c>), durations are Go duration strings (or nanoseconds), keys it does not know (such as the
/// retired <c>RotationPeriod</c>) are ignored. Then validates it with Consul's limits.
/// </summary>
public static class CaConfigParser
{
    private static readonly int[] EcBits = [256, 384, 521];
    private static readonly int[] RsaBits = [2048, 3072, 4096];

    public static CaProviderConfig Parse(string? provider, JsonElement config)
    {
        if (string.IsNullOrEmpty(provider))
        {
            throw new CaConfigException("Provider is required; this server supports the built-in \"consul\" provider");
        }

        if (!string.Equals(provider, CaProviderConfig.ConsulProvider, StringComparison.Ordinal))
        {
            throw new CaConfigException($"unknown CA provider \"{provider}\": this server supports only the built-in \"consul\" provider");
        }

        if (config.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Validate(CaProviderConfig.Default);
        }

        if (config.ValueKind != JsonValueKind.Object)
        {
            throw new CaConfigException($"Config must be a JSON object, not {config.ValueKind}");
        }

        var result = CaProviderConfig.Default;
        var bitsGiven = false;
        foreach (var property in config.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            {
                case "LEAFCERTTTL":
                    result = result with { LeafCertTtl = Duration(value, "LeafCertTTL") };
                    break;
                case "INTERMEDIATECERTTTL":
                    result = result with { IntermediateCertTtl = Duration(value, "IntermediateCertTTL") };
                    break;
                case "ROOTCERTTTL":
                    result = result with { RootCertTtl = Duration(value, "RootCertTTL") };
                    break;
                case "PRIVATEKEYTYPE":
                    result = result with { PrivateKeyType = Text(value, "PrivateKeyType") };
                    break;
                case "PRIVATEKEYBITS":
                    result = result with { PrivateKeyBits = Integer(value, "PrivateKeyBits") };
                    bitsGiven = true;
                    break;
                case "CSRMAXPERSECOND":
                    result = result with { CsrMaxPerSecond = Number(value, "CSRMaxPerSecond") };
                    break;
                case "CSRMAXCONCURRENT":
                    result = result with { CsrMaxConcurrent = Integer(value, "CSRMaxConcurrent") };
                    break;
                case "PRIVATEKEY":
                    result = result with { PrivateKeyPem = NullIfEmpty(Text(value, "PrivateKey")) };
                    break;
                case "ROOTCERT":
                    result = result with { RootCertPem = NullIfEmpty(Text(value, "RootCert")) };
                    break;
                case "CLUSTERID":
                    result = result with { ClusterId = ClusterId(value) };
                    break;
                case "TESTSTATE":
                    result = result with { TestState = StringMap(value, "test_state") };
                    break;
                default:
                    break; // Consul's decoder ignores settings it does not use.
            }
        }

        if (!bitsGiven && result.PrivateKeyType == "rsa")
        {
            result = result with { PrivateKeyBits = 4096 };
        }

        return Validate(result);
    }

    /// <summary>The agent's <c>connect.ca_provider</c> and <c>connect.ca_config</c> (JSON text), or the defaults when absent.</summary>
    public static CaProviderConfig ParseAgentConfig(string? provider, string? json)
    {
        if (provider is null && json is null)
        {
            return CaProviderConfig.Default;
        }

        using var document = JsonDocument.Parse(json ?? "{}");
        return Parse(provider ?? CaProviderConfig.ConsulProvider, document.RootElement);
    }

    /// <summary>Reads the configuration stored in the CA state (written by this parser, so always valid).</summary>
    public static CaProviderConfig ParseStored(CaConfiguration configuration)
    {
        using var document = JsonDocument.Parse(configuration.Config.IsEmpty ? "{}" : configuration.Config.Json);
        return Parse(CaProviderConfig.ConsulProvider, document.RootElement);
    }

    private static CaProviderConfig Validate(CaProviderConfig config)
    {
        if (config.PrivateKeyPem is not null)
        {
            config = WithImportedKey(config);
        }
        else if (config.RootCertPem is not null)
        {
            throw new CaConfigException("RootCert was given without its PrivateKey: an imported root needs both");
        }

        switch (config.PrivateKeyType)
        {
            case "ec" when !EcBits.Contains(config.PrivateKeyBits):
                throw new CaConfigException($"EC PrivateKeyBits must be 256, 384 or 521, not {config.PrivateKeyBits}");
            case "rsa" when !RsaBits.Contains(config.PrivateKeyBits):
                throw new CaConfigException($"RSA PrivateKeyBits must be 2048, 3072 or 4096, not {config.PrivateKeyBits}");
            case "ec" or "rsa":
                break;
            default:
                throw new CaConfigException($"PrivateKeyType must be \"ec\" or \"rsa\", not \"{config.PrivateKeyType}\"");
        }

        var hour = TimeSpan.FromHours(1);
        var year = TimeSpan.FromHours(8760);
        if (config.LeafCertTtl < hour)
        {
            throw new CaConfigException($"LeafCertTTL must be greater or equal than 1h0m0s, not {GoDuration.FormatHours(config.LeafCertTtl)}");
        }

        if (config.LeafCertTtl > year)
        {
            throw new CaConfigException($"LeafCertTTL must be less than 8760h0m0s, not {GoDuration.FormatHours(config.LeafCertTtl)}");
        }

        if (config.IntermediateCertTtl < 3 * config.LeafCertTtl)
        {
            throw new CaConfigException($"IntermediateCertTTL must be greater or equal than 3 * LeafCertTTL (>={GoDuration.FormatHours(3 * config.LeafCertTtl)}), not {GoDuration.FormatHours(config.IntermediateCertTtl)}");
        }

        if (config.RootCertTtl < config.IntermediateCertTtl)
        {
            throw new CaConfigException($"RootCertTTL ({GoDuration.FormatHours(config.RootCertTtl)}) must be greater or equal than IntermediateCertTTL ({GoDuration.FormatHours(config.IntermediateCertTtl)})");
        }

        if (config.CsrMaxPerSecond < 0 || double.IsNaN(config.CsrMaxPerSecond) || double.IsInfinity(config.CsrMaxPerSecond))
        {
            throw new CaConfigException("CSRMaxPerSecond must be a number, 0 or more (0 turns the limit off)");
        }

        if (config.CsrMaxConcurrent < 0)
        {
            throw new CaConfigException("CSRMaxConcurrent must be 0 or more (0 turns the limit off)");
        }

        return config;
    }

    /// <summary>The key decides the key type and size; a certificate given with it must be a CA for exactly that key.</summary>
    private static CaProviderConfig WithImportedKey(CaProviderConfig config)
    {
        using var key = CaKeys.ImportPem(config.PrivateKeyPem!, "PrivateKey");
        var (type, bits) = CaKeys.Describe(key);
        config = config with { PrivateKeyType = type, PrivateKeyBits = bits };
        if (config.RootCertPem is null)
        {
            return config;
        }

        using var certificate = Pem.ReadCertificate(config.RootCertPem, "RootCert");
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            throw new CaConfigException("RootCert is not a CA certificate: its basic constraints do not say CA:TRUE");
        }

        if (!CaKeys.SubjectPublicKeyInfo(key).AsSpan().SequenceEqual(certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new CaConfigException("PrivateKey does not match RootCert: the certificate is for a different public key");
        }

        if (certificate.NotAfter.ToUniversalTime() <= DateTime.UtcNow)
        {
            throw new CaConfigException($"RootCert expired at {certificate.NotAfter.ToUniversalTime():u}");
        }

        return config;
    }

    private static TimeSpan Duration(JsonElement value, string key)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return GoDuration.TryParse(value.GetString(), out var duration) && duration >= TimeSpan.Zero
                ? duration
                : throw new CaConfigException($"{key}: \"{value.GetString()}\" is not a duration such as 72h or 30m");
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var nanoseconds) && nanoseconds >= 0)
        {
            return TimeSpan.FromTicks(nanoseconds / 100);
        }

        throw new CaConfigException($"{key} must be a duration such as \"72h\"");
    }

    private static string Text(JsonElement value, string key)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new CaConfigException($"{key} must be a string");

    private static int Integer(JsonElement value, string key)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        // Consul decodes weakly: "256" is as good as 256.
        return value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number)
            ? number
            : throw new CaConfigException($"{key} must be an integer");
    }

    private static double Number(JsonElement value, string key)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        return value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new CaConfigException($"{key} must be a number");
    }

    private static string ClusterId(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new CaConfigException("cluster_id must be a string (a UUID)");
        return Guid.TryParseExact(text, "D", out var id)
            ? id.ToString("D")
            : throw new CaConfigException($"cluster_id was supplied but was not a valid UUID: \"{text}\"");
    }

    private static Dictionary<string, string> StringMap(JsonElement value, string key)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CaConfigException($"{key} must be an object of strings");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            map[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : throw new CaConfigException($"{key}.{entry.Name} must be a string");
        }

        return map;
    }

    private static string? NullIfEmpty(string text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
