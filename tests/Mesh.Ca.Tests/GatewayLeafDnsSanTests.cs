using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Ca.Leaves;
using Mesh.Ca.Signing;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

/// <summary>
/// A gateway's leaf with DNS SANs (Consul's <c>ConnectCALeafRequest.DNSSAN</c>), on a real server: the URI SAN and
/// the DNS names in one critical subjectAltName (DNS names first, as Go writes them), read back by parsing the
/// certificate, the chain verifying against the active root; the CSR path signs the DNS names a CSR asks for; and the
/// leaf cache keys leaves by the sorted set of names.
/// </summary>
public sealed class GatewayLeafDnsSanTests(CaServerFixture fixture) : IClassFixture<CaServerFixture>
{
    private static readonly string[] Names = ["*.ingress.consul.", "*.ingress.dc1.consul.", "api.example.com", "www.example.com"];

    private LeafSigner Signer => fixture.Server.Server.Runtime.Ca!.Signer;

    private LeafCertCache Leaves => fixture.Server.Server.Runtime.Ca!.Leaves;

    [Fact]
    public async Task SignServiceKey_WithDnsNames_CarriesUriAndNamesAndChainsToTheRoot()
    {
        var trustDomain = fixture.Server.Server.Fsm.Current.Ca!.TrustDomain;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = await Signer.SignServiceKeyAsync("ingress-gateway", key.ExportSubjectPublicKeyInfo(), Names, CancellationToken.None);

        using var certificate = X509Certificate2.CreateFromPem(signed.CertificatePem);
        Assert.Equal([$"spiffe://{trustDomain}/ns/default/dc/dc1/svc/ingress-gateway"], SanUris.Of(certificate));
        Assert.Equal(Names, SanUris.DnsNamesOf(certificate));
        var san = Assert.IsType<X509SubjectAlternativeNameExtension>(certificate.Extensions[SanUris.SubjectAltNameOid]);
        Assert.True(san.Critical);
        Assert.Equal(Names, san.EnumerateDnsNames());
        await ChainCheck.AssertVerifiesAsync(signed.CertificatePem, await fixture.Server.RootCertsAsync());
    }

    [Fact]
    public async Task Sign_CsrWithDnsNames_SignsTheNamesItAsksFor()
    {
        var trustDomain = fixture.Server.Server.Fsm.Current.Ca!.TrustDomain;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = LeafCertificates.CreateSigningRequest(key, $"spiffe://{trustDomain}/ns/default/dc/dc1/svc/ingress-gateway", ["api.example.com"]);

        var signed = await Signer.SignAsync(csr, CancellationToken.None);

        using var certificate = X509Certificate2.CreateFromPem(signed.CertificatePem);
        Assert.Equal(["api.example.com"], SanUris.DnsNamesOf(certificate));
        Assert.Single(SanUris.Of(certificate));
        await ChainCheck.AssertVerifiesAsync(signed.CertificatePem, await fixture.Server.RootCertsAsync());
    }

    [Fact]
    public async Task LeafCache_KeysLeavesByTheSortedNames()
    {
        var first = await Leaves.GetAsync(new LeafRequest("gw-cache", ["b.example.com", "a.example.com"]), 0, TimeSpan.Zero, CancellationToken.None);
        var reordered = await Leaves.GetAsync(new LeafRequest("gw-cache", ["a.example.com", "b.example.com", "a.example.com"]), 0, TimeSpan.Zero, CancellationToken.None);
        var plain = await Leaves.GetAsync("gw-cache", 0, TimeSpan.Zero, CancellationToken.None);
        var changed = await Leaves.GetAsync(new LeafRequest("gw-cache", ["c.example.com"]), 0, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(first.SerialNumber, reordered.SerialNumber);
        Assert.Equal(["a.example.com", "b.example.com"], DnsNames(first));
        Assert.Empty(DnsNames(plain));
        Assert.NotEqual(first.SerialNumber, plain.SerialNumber);
        Assert.Equal(["c.example.com"], DnsNames(changed));
        Assert.Equal("gw-cache", changed.Service);
    }

    private static IReadOnlyList<string> DnsNames(IssuedLeaf leaf)
    {
        using var certificate = X509Certificate2.CreateFromPem(leaf.CertPem);
        return SanUris.DnsNamesOf(certificate);
    }
}
