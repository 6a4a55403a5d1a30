namespace Mesh.Ca.Signing;

/// <summary>What the leader returns for a CSR: the leaf, the intermediates to send with it, and its details.</summary>
public sealed record SignedLeaf
{
    /// <summary>The leaf certificate alone, PEM.</summary>
    public required string CertificatePem { get; init; }

    /// <summary>The active root's intermediates (the cross-signed root after a rotation), appended to the chain.</summary>
    public IReadOnlyList<string> Intermediates { get; init; } = [];

    public required long Serial { get; init; }

    public required DateTimeOffset ValidAfter { get; init; }

    public required DateTimeOffset ValidBefore { get; init; }

    /// <summary>The signing root's key id (colon hex): a leaf is re-issued once the active root's differs.</summary>
    public required string SigningKeyId { get; init; }

    public required string ServiceUri { get; init; }
}
