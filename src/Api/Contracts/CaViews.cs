using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Fsm.Model;

namespace Mesh.Api.Contracts;

/// <summary><c>structs.IndexedCARoots</c>: the trusted roots without their private keys.</summary>
public sealed record CaRootsView
{
    [JsonPropertyName("ActiveRootID")]
    public required string ActiveRootId { get; init; }

    public required string TrustDomain { get; init; }

    public required IReadOnlyList<CaRootView> Roots { get; init; }
}

/// <summary><c>structs.CARoot</c> as the API returns it (no SigningKey, no SigningCert).</summary>
public sealed record CaRootView
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public required string Name { get; init; }

    public ulong SerialNumber { get; init; }

    [JsonPropertyName("SigningKeyID")]
    public required string SigningKeyId { get; init; }

    public required string ExternalTrustDomain { get; init; }

    public DateTime NotBefore { get; init; }

    public DateTime NotAfter { get; init; }

    public required string RootCert { get; init; }

    /// <summary>Null when there are none, as Consul's nil slice is.</summary>
    public IReadOnlyList<string>? IntermediateCerts { get; init; }

    public bool Active { get; init; }

    public required string PrivateKeyType { get; init; }

    public int PrivateKeyBits { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary><c>structs.CAConfiguration</c> (ClusterID is <c>json:"-"</c> in Consul and is not returned).</summary>
public sealed record CaConfigurationView
{
    public required string Provider { get; init; }

    public JsonBlob Config { get; init; }

    public IReadOnlyDictionary<string, string>? State { get; init; }

    public bool ForceWithoutCrossSigning { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}

/// <summary>Body of <c>PUT /v1/connect/ca/configuration</c>.</summary>
public sealed record CaConfigurationBody
{
    public string? Provider { get; init; }

    public JsonElement Config { get; init; }

    public bool ForceWithoutCrossSigning { get; init; }
}

/// <summary><c>structs.IssuedCert</c>, the answer of <c>/v1/agent/connect/ca/leaf/:service</c>.</summary>
public sealed record IssuedCertView
{
    public required string SerialNumber { get; init; }

    [JsonPropertyName("CertPEM")]
    public required string CertPem { get; init; }

    [JsonPropertyName("PrivateKeyPEM")]
    public required string PrivateKeyPem { get; init; }

    public required string Service { get; init; }

    [JsonPropertyName("ServiceURI")]
    public required string ServiceUri { get; init; }

    public DateTime ValidAfter { get; init; }

    public DateTime ValidBefore { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}
