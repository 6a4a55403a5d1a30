using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Ca.Signing;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

/// <summary>The leader's signer of a real server, given CSRs no server of ours would make.</summary>
public sealed class LeafSignerTests(CaServerFixture fixture) : IClassFixture<CaServerFixture>
{
    private LeafSigner Signer => fixture.Server.Server.Runtime.Ca!.Signer;

    private string TrustDomain => fixture.Server.Server.Fsm.Current.Ca!.TrustDomain;

    [Fact]
    public async Task Sign_CsrForThisTrustDomainAndDatacenter_IsSignedWithIncreasingSerials()
    {
        var first = await Signer.SignAsync(Csr($"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/direct"), CancellationToken.None);
        var second = await Signer.SignAsync(Csr($"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/direct"), CancellationToken.None);
        Assert.True(second.Serial > first.Serial);
        Assert.Equal($"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/direct", first.ServiceUri);
        using var certificate = X509Certificate2.CreateFromPem(first.CertificatePem);
        Assert.Equal(first.Serial, (long)new System.Numerics.BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true));
    }

    [Theory]
    [InlineData("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web", "different trust domain")]
    [InlineData("spiffe://{td}/ns/default/dc/dc2/svc/web", "different datacenter: dc2")]
    [InlineData("spiffe://{td}/agent/client/dc/dc1/id/node1", "is not a service SPIFFE ID")]
    [InlineData("spiffe://{td}/ns/team/dc/dc1/svc/web", "only \"default\" exists")]
    public async Task Sign_CsrForAnotherIdentity_IsRefusedAsInvalid(string uri, string reason)
    {
        var error = await Assert.ThrowsAsync<LeafSigningException>(() => Signer.SignAsync(Csr(uri.Replace("{td}", TrustDomain, StringComparison.Ordinal)), CancellationToken.None).AsTask());
        Assert.Equal(LeafSigningError.Invalid, error.Kind);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task Sign_CsrWithTwoUris_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=two", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri($"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/a"));
        san.AddUri(new Uri($"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/b"));
        request.CertificateExtensions.Add(san.Build());
        var error = await Assert.ThrowsAsync<LeafSigningException>(() => Signer.SignAsync(request.CreateSigningRequest(), CancellationToken.None).AsTask());
        Assert.Contains("exactly one URI SAN", error.Message);
    }

    [Fact]
    public async Task Sign_Garbage_IsRefusedAsInvalid()
    {
        var error = await Assert.ThrowsAsync<LeafSigningException>(() => Signer.SignAsync([1, 2, 3], CancellationToken.None).AsTask());
        Assert.Equal(LeafSigningError.Invalid, error.Kind);
        Assert.Contains("the CSR could not be read", error.Message);
    }

    private static byte[] Csr(string uri)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return LeafCertificates.CreateSigningRequest(key, uri);
    }
}
