using System.Text.Json;
using Mesh.Config.Durations;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Config;

/// <summary>
/// The built-in ("consul") provider's settings, parsed and validated. Stored in the CA state as canonical JSON with
/// Consul's key names; an operator-supplied root key and certificate are carried here only while a configuration
/// change is applied (the key ends up in the root record, never in the stored configuration).
/// </summary>
public sealed record CaProviderConfig
{
    public const string ConsulProvider = "consul";

    public TimeSpan LeafCertTtl { get; init; } = TimeSpan.FromHours(72);

    public TimeSpan IntermediateCertTtl { get; init; } = TimeSpan.FromHours(8760);

    public TimeSpan RootCertTtl { get; init; } = TimeSpan.FromHours(87600);

    /// <summary><c>ec</c> or <c>rsa</c>.</summary>
    public string PrivateKeyType { get; init; } = "ec";

    public int PrivateKeyBits { get; init; } = 256;

    /// <summary>Leaf signings per second the leader accepts; 0 turns the limit off.</summary>
    public double CsrMaxPerSecond { get; init; }

    /// <summary>Leaf signings in progress at once on the leader; 0 turns the limit off.</summary>
    public int CsrMaxConcurrent { get; init; }

    /// <summary>An operator-supplied root private key (PEM): the root is built from it, or imported with <see cref="RootCertPem"/>.</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>An operator-supplied root certificate (PEM), imported together with <see cref="PrivateKeyPem"/>.</summary>
    public string? RootCertPem { get; init; }

    /// <summary>
    /// <c>connect.ca_config.cluster_id</c>: the cluster ID (a UUID) used when the CA is first initialized, so the trust
    /// domain is <c>&lt;cluster_id&gt;.consul</c>; null for a random one. Read only at initialization, as Consul does.
    /// </summary>
    public string? ClusterId { get; init; }

    /// <summary>The built-in provider's <c>test_state</c>: echoed as the configuration's <c>State</c>, as Consul's provider does.</summary>
    public IReadOnlyDictionary<string, string>? TestState { get; init; }

    public static CaProviderConfig Default { get; } = new();

    /// <summary>The configuration as stored and returned by the API: no key material, Consul's key names.</summary>
    public JsonBlob ToStoredJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("LeafCertTTL", GoDuration.FormatHours(LeafCertTtl));
            writer.WriteString("IntermediateCertTTL", GoDuration.FormatHours(IntermediateCertTtl));
            writer.WriteString("RootCertTTL", GoDuration.FormatHours(RootCertTtl));
            writer.WriteString(nameof(PrivateKeyType), PrivateKeyType);
            writer.WriteNumber(nameof(PrivateKeyBits), PrivateKeyBits);
            writer.WriteNumber("CSRMaxPerSecond", CsrMaxPerSecond);
            writer.WriteNumber("CSRMaxConcurrent", CsrMaxConcurrent);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return JsonBlob.From(document.RootElement);
    }
}
