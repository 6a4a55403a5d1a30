using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Ca.Signing;
using Mesh.Ca.Tests.Support;

namespace Mesh.Ca.Tests;

/// <summary>The leader's signer given a public key of the server's own (the leaf cache's path), on a real server.</summary>
public sealed class LeafSignerOwnKeyTests(CaServerFixture fixture) : IClassFixture<CaServerFixture>
{
    private LeafSigner Signer => fixture.Server.Server.Runtime.Ca!.Signer;

    [Fact]
    public async Task SignServiceKey_BuildsTheServiceIdAndChainsToTheActiveRoot()
    {
        var trustDomain = fixture.Server.Server.Fsm.Current.Ca!.TrustDomain;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var first = await Signer.SignServiceKeyAsync("web api", key.ExportSubjectPublicKeyInfo(), CancellationToken.None);
        var second = await Signer.SignServiceKeyAsync("web api", key.ExportSubjectPublicKeyInfo(), CancellationToken.None);

        var expected = $"spiffe://{trustDomain}/ns/default/dc/dc1/svc/web%20api";
        Assert.Equal(expected, first.ServiceUri);
        Assert.True(second.Serial > first.Serial);
        using var certificate = X509Certificate2.CreateFromPem(first.CertificatePem);
        Assert.Equal([expected], SanUris.Of(certificate));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(first.ValidAfter, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()));
        await ChainCheck.AssertVerifiesAsync(first.CertificatePem, await fixture.Server.RootCertsAsync());
    }

    [Fact]
    public async Task SignServiceKey_EmptyService_IsRefused()
        => await Assert.ThrowsAsync<ArgumentException>(() => Signer.SignServiceKeyAsync(string.Empty, new byte[] { 1 }, CancellationToken.None).AsTask());
}
