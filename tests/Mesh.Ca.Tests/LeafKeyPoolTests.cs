using Mesh.Ca.Leaves;

namespace Mesh.Ca.Tests;

/// <summary>Pre-generated leaf keys: each handed out once, whether it came from the pool or was made on demand.</summary>
public sealed class LeafKeyPoolTests
{
    [Fact]
    public async Task Take_ManyConcurrentTakers_NeverGetTheSameKeyTwice()
    {
        using var pool = new LeafKeyPool(capacity: 8);
        var taken = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            var keys = new List<(string PublicKey, string PrivateKey)>();
            for (var i = 0; i < 12; i++)
            {
                using var key = pool.Take();
                keys.Add((Convert.ToHexString(key.SubjectPublicKeyInfo), key.PrivateKeyPem));
            }

            return keys;
        })));

        var all = taken.SelectMany(keys => keys).ToList();
        Assert.Equal(16 * 12, all.Count);
        Assert.Equal(all.Count, all.Select(k => k.PublicKey).Distinct().Count());
        Assert.Equal(all.Count, all.Select(k => k.PrivateKey).Distinct().Count());
    }

    [Fact]
    public void Take_Key_IsAUsableP256PairWhosePemMatchesItsPublicKey()
    {
        using var pool = new LeafKeyPool(capacity: 2);
        using var key = pool.Take();
        using var fromPem = System.Security.Cryptography.ECDsa.Create();
        fromPem.ImportFromPem(key.PrivateKeyPem);
        Assert.Equal(256, fromPem.KeySize);
        Assert.Equal(key.SubjectPublicKeyInfo, fromPem.ExportSubjectPublicKeyInfo());
        Assert.EndsWith("-----END EC PRIVATE KEY-----\n", key.PrivateKeyPem);
    }

    [Fact]
    public void Take_AfterDispose_StillMakesAFreshKeyAndHoldsNone()
    {
        var pool = new LeafKeyPool(capacity: 4);
        using (pool.Take())
        {
        }

        pool.Dispose();
        Assert.Equal(0, pool.Ready);
        using var key = pool.Take();
        Assert.NotEmpty(key.SubjectPublicKeyInfo);
    }
}
