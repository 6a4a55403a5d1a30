namespace Mesh.Ca.Leaves;

/// <summary>
/// A leaf certificate held by a server for one service (Consul's <c>IssuedCert</c>), with when to renew it.
/// <para>
/// Indexes: <see cref="ModifyIndex"/> is the leaf's serial number. Serials come from blocks reserved through the Raft
/// log and only grow, so a re-issued leaf always has a higher one, and it identifies the certificate. (If a deposed
/// leader ever signed with a lower serial, the index is still bumped past the previous leaf's.) <see cref="CreateIndex"/>
/// is the index of the first leaf this server issued for the service.
/// </para>
/// </summary>
public sealed record IssuedLeaf
{
    /// <summary>Colon-separated hex, as Consul writes serials.</summary>
    public required string SerialNumber { get; init; }

    /// <summary>The leaf followed by the intermediates (the cross-signed root after a rotation).</summary>
    public required string CertPem { get; init; }

    public required string PrivateKeyPem { get; init; }

    public required string Service { get; init; }

    public required string ServiceUri { get; init; }

    public required DateTimeOffset ValidAfter { get; init; }

    public required DateTimeOffset ValidBefore { get; init; }

    /// <summary>The key id of the root that signed it.</summary>
    public required string SigningKeyId { get; init; }

    /// <summary>A random point between 60% and 90% of the lifetime (<c>calculateSoftExpiry</c>), after which it is re-issued.</summary>
    public required DateTimeOffset RenewAt { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}
