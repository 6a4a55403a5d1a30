using System.Net;
using Mesh.Ca.Signing;
using Mesh.Raft;

namespace Mesh.Server.Cluster;

/// <summary>
/// Sends a follower's leaf CSR to the leader (which alone signs, with its serial block and rate limits) and turns the
/// answer back into a <see cref="SignedLeaf"/> or a <see cref="LeafSigningException"/> the leaf cache knows how to retry.
/// </summary>
public sealed class LeafSigningForwarder(RaftServer raft, LeaderRpc leaderRpc)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<SignedLeaf> SignAsync(byte[] csr, CancellationToken cancellationToken)
    {
        var leader = raft.Leader ?? throw new LeafSigningException(LeafSigningError.NotReady, "No cluster leader");
        SignLeafResponse? response;
        try
        {
            response = await leaderRpc.CallAsync<SignLeafResponse>(leader, new SignLeafRequest { Csr = csr }, Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaderCallException call)
        {
            throw new LeafSigningException(LeafSigningError.NotReady, $"The leader at {call.Target} did not answer the signing request: {call.InnerException?.Message}", call);
        }

        if (response is null)
        {
            throw new LeafSigningException(LeafSigningError.NotReady, "No cluster leader");
        }

        if (response.Error is { } message)
        {
            throw new LeafSigningException((LeafSigningError)response.ErrorKind, message);
        }

        return new SignedLeaf
        {
            CertificatePem = response.CertificatePem,
            Intermediates = response.Intermediates,
            Serial = response.Serial,
            ValidAfter = DateTimeOffset.FromUnixTimeMilliseconds(response.ValidAfterUnixMilliseconds),
            ValidBefore = DateTimeOffset.FromUnixTimeMilliseconds(response.ValidBeforeUnixMilliseconds),
            SigningKeyId = response.SigningKeyId,
            ServiceUri = response.ServiceUri,
        };
    }

    /// <summary>The leader's side: signs with this server's signer, or says it is not the leader.</summary>
    public static async Task<SignLeafResponse> AnswerAsync(Mesh.Server.ServerRuntime runtime, SignLeafRequest request, CancellationToken cancellationToken)
    {
        var hint = LeaderRpc.HintOf(runtime.Raft);
        if (runtime.Ca is not { } ca || !runtime.Raft.IsLeader)
        {
            return new SignLeafResponse { NotLeader = true, LeaderHint = hint };
        }

        try
        {
            var signed = await ca.Signer.SignAsync(request.Csr, cancellationToken).ConfigureAwait(false);
            return new SignLeafResponse
            {
                CertificatePem = signed.CertificatePem,
                Intermediates = signed.Intermediates,
                Serial = signed.Serial,
                ValidAfterUnixMilliseconds = signed.ValidAfter.ToUnixTimeMilliseconds(),
                ValidBeforeUnixMilliseconds = signed.ValidBefore.ToUnixTimeMilliseconds(),
                SigningKeyId = signed.SigningKeyId,
                ServiceUri = signed.ServiceUri,
            };
        }
        catch (LeafSigningException error) when (error.Kind == LeafSigningError.NotLeader)
        {
            return new SignLeafResponse { NotLeader = true, LeaderHint = hint };
        }
        catch (LeafSigningException error)
        {
            return new SignLeafResponse { Error = error.Message, ErrorKind = (int)error.Kind };
        }
    }
}
