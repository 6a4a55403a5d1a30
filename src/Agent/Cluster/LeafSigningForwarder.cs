using System.Net;
using Mesh.Api.Endpoints;
using Mesh.Ca.Signing;
using Mesh.Raft;

namespace Mesh.Agent.Cluster;

/// <summary>
/// Sends a follower's leaf CSR to the leader (which alone signs, with its serial block and rate limits) and turns the
/// answer back into a <see cref="SignedLeaf"/> or a <see cref="LeafSigningException"/> the leaf cache knows how to retry.
/// </summary>
public sealed class LeafSigningForwarder(RaftServer raft, ServerRpc rpc)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<SignedLeaf> SignAsync(byte[] csr, CancellationToken cancellationToken)
    {
        var target = raft.Leader ?? throw new LeafSigningException(LeafSigningError.NotReady, "No cluster leader");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            SignLeafResponse response;
            try
            {
                response = await rpc.CallAsync<SignLeafResponse>(target, new SignLeafRequest { Csr = csr }, Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new LeafSigningException(LeafSigningError.NotReady, $"The leader at {target} did not answer the signing request: {error.Message}", error);
            }

            if (response.NotLeader)
            {
                if (response.LeaderHint.Length == 0)
                {
                    break;
                }

                target = ServerRpc.ParseEndPoint(response.LeaderHint, 8300);
                continue;
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

        throw new LeafSigningException(LeafSigningError.NotReady, "No cluster leader");
    }

    /// <summary>The leader's side: signs with this server's signer, or says it is not the leader.</summary>
    public static async Task<SignLeafResponse> AnswerAsync(Mesh.Api.Server.ServerRuntime runtime, SignLeafRequest request, CancellationToken cancellationToken)
    {
        var hint = runtime.Raft.Leader is EndPoint leader ? StatusEndpoints.Format(leader) : string.Empty;
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
