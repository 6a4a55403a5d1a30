using Mesh.EnvoyResources.Proxyless;

namespace Mesh.XdsServer.Sotw;

/// <summary>
/// What one SotW stream knows about one resource type. The subscription and the versions the client acknowledged
/// are kept apart (the lesson of Consul #10563): an ACK never changes what is subscribed.
/// </summary>
internal sealed class SotwTypeState(string typeUrl)
{
    public string TypeUrl { get; } = typeUrl;

    public ResourceSubscription Subscription { get; set; } = ResourceSubscription.None;

    /// <summary>Whether the client ever named a resource of this type (after which an empty list is no wildcard).</summary>
    public bool EverNamed { get; set; }

    /// <summary>The version of the last response (0 before the first); grows by one per response.</summary>
    public long SentVersion { get; set; }

    /// <summary>The nonce of the last response; only a request carrying it acknowledges or rejects anything.</summary>
    public string? SentNonce { get; set; }

    /// <summary>Digest of the last response's resources, so an unchanged set is never sent again.</summary>
    public byte[]? SentDigest { get; set; }

    public long AckedVersion { get; set; }

    /// <summary>The last version the client rejected, and why (0 and null when none).</summary>
    public long NackedVersion { get; set; }

    public string? NackMessage { get; set; }
}
