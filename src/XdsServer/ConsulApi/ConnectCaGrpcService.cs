using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Ca;
using Mesh.Ca.Crypto;
using Mesh.Ca.Signing;
using Mesh.Config.Access;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.XdsServer.ConsulApi.ConnectCa;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>
/// <c>hashicorp.consul.connectca.ConnectCAService</c> (Consul's <c>agent/grpc-external/services/connectca</c>):
/// <c>WatchRoots</c> streams the root set at once and after every rotation (any valid token, as
/// <c>/v1/connect/ca/roots</c>); <c>Sign</c> signs a CSR for a service the token may write, by the same signer and
/// rules as the leaf endpoint (forwarded to the leader).
/// </summary>
public sealed class ConnectCaGrpcService(PublicServicesContext services) : ConnectCAService.ConnectCAServiceBase
{
    /// <summary>How long a roots watch waits before it checks its token again with nothing changed.</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(5);

    public override async Task WatchRoots(WatchRootsRequest request, IServerStreamWriter<WatchRootsResponse> responseStream, ServerCallContext context)
    {
        var runtime = services.Runtime;
        PublicCallAccess.Authenticate(runtime.Access, context);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, services.Stopping);
        var cancellationToken = call.Token;
        var sent = -1L;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var watch = runtime.Fsm.Watches.Capture([WatchKeys.CaRoots, WatchKeys.Acl]);
                var state = runtime.Fsm.Current;
                PublicCallAccess.Authenticate(runtime.Access, context);
                var index = state.IndexOf(WatchKeys.CaRoots);
                if (state.Ca is not { Roots.Count: > 0 } ca)
                {
                    throw new RpcException(new Status(StatusCode.FailedPrecondition, "Connect CA is not yet initialized"));
                }

                if (index != sent)
                {
                    await responseStream.WriteAsync(RootsOf(ca), cancellationToken).ConfigureAwait(false);
                    sent = index;
                }

                await watch.WaitAsync(RecheckInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        if (services.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the server is shutting down"));
        }
    }

    public override async Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
    {
        var runtime = services.Runtime;
        var token = PublicCallAccess.Authenticate(runtime.Access, context);
        if (string.IsNullOrWhiteSpace(request.Csr))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "CSR is required"));
        }

        var der = CsrDer(request.Csr);
        string uri;
        try
        {
            (_, uri) = LeafCertificates.ReadSigningRequest(der);
        }
        catch (LeafSigningException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }

        if (!SpiffeIds.TryParseService(uri, out var id) || id is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the CSR's URI SAN \"{uri}\" is not a service SPIFFE ID (spiffe://<trust domain>/ns/<ns>/dc/<dc>/svc/<service>)"));
        }

        PublicCallAccess.RequireService(runtime.Access, token, id.Service, AclAccess.Write);
        var ca = runtime.Ca ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "Connect CA is not running on this server"));
        SignedLeaf leaf;
        try
        {
            leaf = await ca.SigningRoute.SignAsync(der, context.CancellationToken).ConfigureAwait(false);
        }
        catch (LeafSigningException error)
        {
            throw new RpcException(new Status(error.Kind switch
            {
                LeafSigningError.Invalid => StatusCode.InvalidArgument,
                LeafSigningError.RateLimited => StatusCode.ResourceExhausted,
                _ => StatusCode.Unavailable,
            }, error.Message));
        }

        return new SignResponse { CertPem = string.Concat(leaf.Intermediates.Prepend(leaf.CertificatePem).Select(WithNewline)) };
    }

    private static byte[] CsrDer(string pem)
    {
        if (!System.Security.Cryptography.PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the CSR is not a PEM \"CERTIFICATE REQUEST\" block"));
        }

        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private static WatchRootsResponse RootsOf(CaState ca)
    {
        var response = new WatchRootsResponse
        {
            ActiveRootId = ca.Roots.FirstOrDefault(r => r.Active)?.Id ?? string.Empty,
            TrustDomain = ca.TrustDomain,
        };
        foreach (var root in ca.Roots)
        {
            var entry = new CARoot
            {
                Id = root.Id,
                Name = root.Name,
                SerialNumber = ulong.TryParse(root.SerialNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) ? serial : 0,
                SigningKeyId = root.SigningKeyId,
                RootCert = root.RootCert,
                Active = root.Active,
            };
            entry.IntermediateCerts.AddRange(root.IntermediateCerts);
            if (root.RotatedOutAtUnixMilliseconds > 0)
            {
                entry.RotatedOutAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(root.RotatedOutAtUnixMilliseconds));
            }

            response.Roots.Add(entry);
        }

        return response;
    }

    private static string WithNewline(string pem) => pem.EndsWith('\n') ? pem : pem + "\n";
}
