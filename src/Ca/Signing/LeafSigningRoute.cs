namespace Mesh.Ca.Signing;

/// <summary>Signs on this server when it leads, otherwise sends the CSR to the leader.</summary>
public sealed class LeafSigningRoute(ICaHost host, LeafSigner signer)
{
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
}
