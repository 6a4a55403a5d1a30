using Mesh.Ca.Config;
using Mesh.Ca.Roots;

namespace Mesh.Ca.Tests;

public sealed class CaStatePlannerTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Prune_RootRotatedOutLessThanTwiceTheLeafTtlAgo_IsKept()
    {
        var rotated = Rotated(out _);
        Assert.Null(CaStatePlanner.Prune(rotated, Start + TimeSpan.FromHours(143)));
    }

    [Fact]
    public void Prune_RootRotatedOutMoreThanTwiceTheLeafTtlAgo_IsDropped()
    {
        var rotated = Rotated(out var oldRootId);
        var pruned = CaStatePlanner.Prune(rotated, Start + TimeSpan.FromHours(145));

        Assert.NotNull(pruned);
        var remaining = Assert.Single(pruned.Roots);
        Assert.True(remaining.Active);
        Assert.NotEqual(oldRootId, remaining.Id);
        Assert.Equal(rotated.TrustDomain, pruned.TrustDomain);
    }

    [Fact]
    public void Prune_UsesTheConfiguredLeafTtl()
    {
        var rotated = Rotated(out _);
        var shortLeaves = CaStatePlanner.Reconfigure(rotated, CaProviderConfig.Default with { PrivateKeyBits = 384, LeafCertTtl = TimeSpan.FromHours(1) }, false, Start);
        Assert.Equal(2, shortLeaves.Roots.Count);
        Assert.NotNull(CaStatePlanner.Prune(shortLeaves, Start + TimeSpan.FromHours(3)));
    }

    [Fact]
    public void Prune_TheActiveRoot_IsNeverDropped()
    {
        var initial = CaStatePlanner.Initial(CaProviderConfig.Default, Start);
        Assert.Null(CaStatePlanner.Prune(initial, Start + TimeSpan.FromDays(3650)));
    }

    [Fact]
    public void Reconfigure_SameKeyTypeAndSize_KeepsTheRootsAndStoresTheConfig()
    {
        var initial = CaStatePlanner.Initial(CaProviderConfig.Default, Start);
        var next = CaStatePlanner.Reconfigure(initial, CaProviderConfig.Default with { CsrMaxPerSecond = 50 }, false, Start);
        Assert.Same(initial.Roots, next.Roots);
        Assert.Equal(50, CaConfigParser.ParseStored(next.Configuration).CsrMaxPerSecond);
    }

    [Fact]
    public void Reconfigure_TwoRotations_KeepEveryRootUntilPrunedAndOneActive()
    {
        var once = Rotated(out _);
        var twice = CaStatePlanner.Reconfigure(once, CaProviderConfig.Default with { PrivateKeyBits = 521 }, false, Start + TimeSpan.FromHours(1));
        Assert.Equal(3, twice.Roots.Count);
        Assert.Single(twice.Roots, r => r.Active);
        Assert.Equal(521, twice.Roots.Single(r => r.Active).PrivateKeyBits);
        Assert.All(twice.Roots.Where(r => !r.Active), r => Assert.True(r.RotatedOutAtUnixMilliseconds > 0));
    }

    /// <summary>A CA whose EC P-256 root was replaced by a P-384 one at <see cref="Start"/> (leaf TTL 72h).</summary>
    private static Mesh.Fsm.Model.CaState Rotated(out string oldRootId)
    {
        var initial = CaStatePlanner.Initial(CaProviderConfig.Default, Start - TimeSpan.FromDays(1));
        oldRootId = initial.Roots[0].Id;
        return CaStatePlanner.Reconfigure(initial, CaProviderConfig.Default with { PrivateKeyBits = 384 }, false, Start);
    }
}
