namespace Mesh.Ca.Signing;

/// <summary>Signs on this server when it leads, otherwise sends the CSR to the leader.</summary>
public sealed class LeafSigningRoute(CaHost host, LeafSigner signer)
{
    public async ValueTask<SignedLeaf> SignAsync(byte[] csr, CancellationToken cancellationToken)
    {
        if (host.IsLeader())
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

        var forward = host.ForwardSignAsync ?? throw new LeafSigningException(LeafSigningError.NotReady, "this server is not the leader and cannot reach one");
        return await forward(csr, cancellationToken).ConfigureAwait(false);
    }
}
