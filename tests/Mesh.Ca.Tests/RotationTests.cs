using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Ca.Tests.Support;
using Mesh.Testing;

namespace Mesh.Ca.Tests;

public sealed class RotationTests
{
    [Fact]
    public async Task Rotation_NewKeyType_OldRootCrossSignsTheNewOneAndStaysTrusted()
    {
        await using var server = await TestServer.StartAsync();
        var oldRoot = await server.ActiveRootAsync();
        var oldLeaf = await server.LeafAsync("web");

        await server.PutConfigurationOkAsync("""{"Provider":"consul","Config":{"PrivateKeyType":"rsa","PrivateKeyBits":2048}}""");

        var roots = await server.RootsAsync();
        var all = roots.GetProperty("Roots").EnumerateArray().ToList();
        Assert.Equal(2, all.Count);
        var retired = all.Single(r => r.GetProperty("ID").GetString() == oldRoot.GetProperty("ID").GetString());
        var active = all.Single(r => r.GetProperty("Active").GetBoolean());
        Assert.False(retired.GetProperty("Active").GetBoolean());
        Assert.Equal(active.GetProperty("ID").GetString(), roots.GetProperty("ActiveRootID").GetString());
        Assert.Equal("rsa", active.GetProperty("PrivateKeyType").GetString());
        Assert.Equal(2048, active.GetProperty("PrivateKeyBits").GetInt32());
        Assert.Equal(roots.GetProperty("TrustDomain").GetString(), (await server.RootsAsync()).GetProperty("TrustDomain").GetString());

        // The cross-signed certificate: the new root's subject and key, issued by the old root.
        var crossPem = Assert.Single(active.GetProperty("IntermediateCerts").EnumerateArray()).GetString()!;
        using var cross = X509Certificate2.CreateFromPem(crossPem);
        using var newRootCertificate = X509Certificate2.CreateFromPem(active.GetProperty("RootCert").GetString()!);
        using var oldRootCertificate = X509Certificate2.CreateFromPem(oldRoot.GetProperty("RootCert").GetString()!);
        Assert.Equal(newRootCertificate.Subject, cross.Subject);
        Assert.Equal(oldRootCertificate.Subject, cross.Issuer);
        Assert.Equal(newRootCertificate.PublicKey.ExportSubjectPublicKeyInfo(), cross.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(oldRoot.GetProperty("SigningKeyID").GetString(), KeyIds.ColonHex(cross.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span));
        Assert.Equal(TimeSpan.FromDays(7), cross.NotAfter - cross.NotBefore);

        // The held leaf is re-issued under the new root as soon as the roots change; a blocked query sees it.
        var newLeaf = await server.LeafAsync("web", $"?index={oldLeaf.Index}&wait=10s");
        Assert.True(newLeaf.Index > oldLeaf.Index);
        using var newLeafCertificate = X509Certificate2.CreateFromPem(newLeaf.CertPem);
        Assert.Equal(active.GetProperty("SigningKeyID").GetString(), KeyIds.ColonHex(newLeafCertificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span));
        Assert.Equal(2, Pem.SplitBlocks(newLeaf.CertPem).Count);
        Assert.EndsWith(crossPem, newLeaf.CertPem);

        var published = await server.RootCertsAsync();
        await ChainCheck.AssertVerifiesAsync(newLeaf.CertPem, published);
        await ChainCheck.AssertVerifiesAsync(oldLeaf.CertPem, published);

        // A peer that still trusts only the old root accepts the new leaf through the cross-signed certificate...
        var oldOnly = new[] { oldRoot.GetProperty("RootCert").GetString()! };
        await ChainCheck.AssertVerifiesAsync(newLeaf.CertPem, oldOnly);

        // ...and a peer that already trusts only the new root rejects leaves of the old one.
        await ChainCheck.AssertRejectedAsync(oldLeaf.CertPem, [active.GetProperty("RootCert").GetString()!]);
    }

    [Fact]
    public async Task Rotation_ForceWithoutCrossSigning_NewRootHasNoIntermediate()
    {
        await using var server = await TestServer.StartAsync();
        var oldRoot = await server.ActiveRootAsync();
        var oldLeaf = await server.LeafAsync("api");

        await server.PutConfigurationOkAsync("""{"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":384},"ForceWithoutCrossSigning":true}""");

        var active = await server.ActiveRootAsync();
        Assert.NotEqual(oldRoot.GetProperty("ID").GetString(), active.GetProperty("ID").GetString());
        Assert.Equal(384, active.GetProperty("PrivateKeyBits").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, active.GetProperty("IntermediateCerts").ValueKind);
        Assert.True((await server.GetJsonAsync("/v1/connect/ca/configuration")).GetProperty("ForceWithoutCrossSigning").GetBoolean());

        var newLeaf = await server.LeafAsync("api", $"?index={oldLeaf.Index}&wait=10s");
        Assert.Single(Pem.SplitBlocks(newLeaf.CertPem));
        var published = await server.RootCertsAsync();
        Assert.Equal(2, published.Count);
        await ChainCheck.AssertVerifiesAsync(newLeaf.CertPem, published);
        await ChainCheck.AssertVerifiesAsync(oldLeaf.CertPem, published);
        await ChainCheck.AssertRejectedAsync(newLeaf.CertPem, [oldRoot.GetProperty("RootCert").GetString()!]);
    }

    [Fact]
    public async Task Reconfigure_LeafTtlOnly_KeepsTheRootAndSignsShorterLeaves()
    {
        await using var server = await TestServer.StartAsync();
        var before = await server.ActiveRootAsync();
        var heldLeaf = await server.LeafAsync("kept");

        await server.PutConfigurationOkAsync("""{"Provider":"consul","Config":{"leaf_cert_ttl":"24h","csr_max_concurrent":4}}""");

        var after = await server.ActiveRootAsync();
        Assert.Equal(before.GetRawText(), after.GetRawText());
        var config = (await server.GetJsonAsync("/v1/connect/ca/configuration")).GetProperty("Config");
        Assert.Equal("24h", config.GetProperty("LeafCertTTL").GetString());
        Assert.Equal(4, config.GetProperty("CSRMaxConcurrent").GetInt32());
        Assert.Equal(heldLeaf.SerialNumber, (await server.LeafAsync("kept")).SerialNumber);

        var fresh = await server.LeafAsync("fresh");
        var lifetime = fresh.Json.GetProperty("ValidBefore").GetDateTime() - fresh.Json.GetProperty("ValidAfter").GetDateTime();
        Assert.Equal(TimeSpan.FromHours(24), lifetime);
    }

    [Fact]
    public async Task RateLimit_OneCsrPerSecond_LeavesAreStillIssuedByRetrying()
    {
        await using var server = await TestServer.StartAsync();
        await server.PutConfigurationOkAsync("""{"Provider":"consul","Config":{"CSRMaxPerSecond":1}}""");

        var leaves = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => server.LeafAsync($"limited-{i}")));

        Assert.Equal(3, leaves.Select(l => l.SerialNumber).Distinct().Count());
        var roots = await server.RootCertsAsync();
        foreach (var leaf in leaves)
        {
            Assert.True(ChainCheck.DotNet(leaf.CertPem, roots).Valid);
        }
    }
}
