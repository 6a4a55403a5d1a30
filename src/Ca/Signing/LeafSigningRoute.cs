using Mesh.Ca.Crypto;
using Mesh.Ca.Leaves;

namespace Mesh.Ca.Signing;

/// <summary>Signs on this server when it leads, otherwise sends the CSR to the leader.</summary>
public sealed class LeafSigningRoute(ICaHost host, LeafSigner signer)
{
    /// <summary>A CSR from anywhere (the gRPC <c>Sign</c>): fully checked by whichever server signs it.</summary>
    public async ValueTask<SignedLeaf> SignAsync(byte[] csr, CancellationToken cancellationToken)
    {
        if (host.IsLeader)
        {
            try
            {
                return await signer.SignAsync(csr, cancellationToken).ConfigureAwait(false);
            }
            catch (LeafSigningException error) when (error.Kind == LeafSigningError.NotLeader)
            {
                // Lost leadership just now: the new leader signs it.
            }
        }

        return await host.ForwardSignAsync(csr, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A key this server generated for its own service <paramref name="id"/>: on the leader its public key is signed
    /// directly (no CSR to build, parse and verify); a follower sends the leader a CSR made with the key, as before.
    /// </summary>
    public ValueTask<SignedLeaf> SignOwnKeyAsync(ServiceSpiffeId id, LeafKey key, CancellationToken cancellationToken)
        => SignOwnKeyAsync(id, key, [], cancellationToken);

    /// <summary>As <see cref="SignOwnKeyAsync(ServiceSpiffeId, LeafKey, CancellationToken)"/> for a leaf that also names <paramref name="dnsNames"/>.</summary>
    public async ValueTask<SignedLeaf> SignOwnKeyAsync(ServiceSpiffeId id, LeafKey key, IReadOnlyList<string> dnsNames, CancellationToken cancellationToken)
    {
        if (host.IsLeader)
        {
            try
            {
                return await signer.SignServiceKeyAsync(id.Service, key.SubjectPublicKeyInfo, dnsNames, cancellationToken).ConfigureAwait(false);
            }
            catch (LeafSigningException error) when (error.Kind == LeafSigningError.NotLeader)
            {
                // Lost leadership just now: the new leader signs it.
            }
        }

        return await host.ForwardSignAsync(LeafCertificates.CreateSigningRequest(key.Key, id.Uri, dnsNames), cancellationToken).ConfigureAwait(false);
    }
}
