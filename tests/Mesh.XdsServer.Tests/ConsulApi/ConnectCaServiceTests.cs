using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Mesh.Ca.Crypto;
using Mesh.XdsServer.ConsulApi.ConnectCa;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.ConsulApi;

/// <summary>ConnectCAService on a real server: WatchRoots streams the roots, Sign returns a leaf that chains to them.</summary>
public sealed class ConnectCaServiceTests
{
    internal static string Csr(ECDsa key, string uri) => PemEncoding.WriteString("CERTIFICATE REQUEST", LeafCertificates.CreateSigningRequest(key, uri));

    internal static async Task<WatchRootsResponse> FirstRootsAsync(ConsulApiClients clients)
    {
        using var call = clients.Ca.WatchRoots(new WatchRootsRequest(), ConsulApiClients.Bounded());
        return await ConsulApiClients.ReadUntilAsync(call.ResponseStream, r => r.Roots.Count > 0);
    }

    [Fact]
    public async Task Sign_ReturnsALeafThatChainsToTheRootsFromWatchRoots()
    {
        await using var mesh = await XdsMesh.StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);

        var roots = await FirstRootsAsync(clients);
        Assert.DoesNotContain("spiffe://", roots.TrustDomain, StringComparison.Ordinal);
        Assert.EndsWith(".consul", roots.TrustDomain, StringComparison.Ordinal);
        var active = Assert.Single(roots.Roots, r => r.Active);
        Assert.Equal(roots.ActiveRootId, active.Id);
        Assert.NotEqual(0UL, active.SerialNumber);
        Assert.Contains(":", active.SigningKeyId, StringComparison.Ordinal);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var uri = $"spiffe://{roots.TrustDomain}/ns/default/dc/dc1/svc/web";
        var signed = await clients.Ca.SignAsync(new SignRequest { Csr = Csr(key, uri) }, ConsulApiClients.Bounded());

        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(signed.CertPem);
        using var leaf = chain[0];
        using var verifier = new X509Chain();
        verifier.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verifier.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var root in roots.Roots)
        {
            verifier.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(root.RootCert));
        }

        verifier.ChainPolicy.ExtraStore.AddRange(chain);
        Assert.True(verifier.Build(leaf), string.Join("; ", verifier.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(uri, leaf.GetNameInfo(X509NameType.UrlName, forIssuer: false));
        using var leafKey = leaf.GetECDsaPublicKey()!;
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leafKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Sign_BadCsrs_AreInvalidArgument()
    {
        await using var mesh = await XdsMesh.StartAsync();
        using var clients = new ConsulApiClients(mesh.GrpcPort);
        var roots = await FirstRootsAsync(clients);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        async Task<RpcException> FailAsync(string csr)
            => await Assert.ThrowsAsync<RpcException>(async () => await clients.Ca.SignAsync(new SignRequest { Csr = csr }, ConsulApiClients.Bounded()));

        var empty = await FailAsync(string.Empty);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal("CSR is required", empty.Status.Detail);

        Assert.Equal(StatusCode.InvalidArgument, (await FailAsync("not a pem")).StatusCode);

        // A signature that does not verify (its last byte flipped).
        var der = LeafCertificates.CreateSigningRequest(key, $"spiffe://{roots.TrustDomain}/ns/default/dc/dc1/svc/web");
        der[^1] ^= 0x5a;
        var tampered = await FailAsync(PemEncoding.WriteString("CERTIFICATE REQUEST", der));
        Assert.Equal(StatusCode.InvalidArgument, tampered.StatusCode);

        var otherDc = await FailAsync(Csr(key, $"spiffe://{roots.TrustDomain}/ns/default/dc/dc9/svc/web"));
        Assert.Equal(StatusCode.InvalidArgument, otherDc.StatusCode);
        Assert.Contains("different datacenter", otherDc.Status.Detail, StringComparison.Ordinal);

        var notAService = await FailAsync(Csr(key, $"spiffe://{roots.TrustDomain}/agent/client/dc/dc1/id/x"));
        Assert.Equal(StatusCode.InvalidArgument, notAService.StatusCode);

        // The server still signs a good one.
        var good = await clients.Ca.SignAsync(new SignRequest { Csr = Csr(key, $"spiffe://{roots.TrustDomain}/ns/default/dc/dc1/svc/web") }, ConsulApiClients.Bounded());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", good.CertPem, StringComparison.Ordinal);
    }
}
