using Mesh.ProxyCfg.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ProxyCfg.Tests;

/// <summary>proxycfg's caches belong to one server's source and are bounded.</summary>
public sealed class OwnedCacheTests
{
    [Fact]
    public void BuildCaches_KeepOnlyTheLatestStoreVersion()
    {
        var store = new MeshStore();
        store.InitializeCa();
        var caches = new BuildCaches();
        var older = store.State;
        var olderCache = caches.For(older);
        Assert.Same(olderCache, caches.For(older));

        store.RegisterInstance("db", "node-db-1", "127.0.0.21");
        var newer = store.State;
        var newerCache = caches.For(newer);

        Assert.NotSame(olderCache, newerCache);
        Assert.Same(newerCache, caches.For(newer));
        Assert.NotSame(olderCache, caches.For(older)); // the older version's cache was let go
        Assert.Same(newerCache, caches.For(newer)); // and a build from an older state did not evict the latest
        Assert.Same(caches.Filters, caches.Filters);
    }

    [Fact]
    public void FilterCache_StaysWithinItsCapacity()
    {
        var filters = new FilterCache();
        for (var i = 0; i < FilterCache.Capacity * 3; i++)
        {
            Assert.NotNull(filters.Parse($"Service.Meta.version == v{i}"));
            Assert.InRange(filters.Count, 1, FilterCache.Capacity);
        }

        Assert.Null(filters.Parse("Service.Meta.version =="));
    }

    [Fact]
    public async Task TwoServersInOneProcess_ShareNoCaches()
    {
        await using var first = await ProxyCfgServer.StartAsync();
        await using var second = await ProxyCfgServer.StartAsync();
        await using var third = new ProxyConfigSource(
            first.Server.Server.Fsm, first.Server.Server.Runtime.Ca!.Leaves, first.Server.Server.Runtime.Self, new ProxyCfgOptions(), NullLoggerFactory.Instance);

        Assert.NotSame(first.Source.Caches, second.Source.Caches);
        Assert.NotSame(first.Source.Caches.Filters, second.Source.Caches.Filters);
        Assert.NotSame(first.Source.Equality, second.Source.Equality);

        // Even two sources over the same store keep their own caches.
        Assert.NotSame(first.Source.Caches.For(first.Server.Server.Fsm.Current), third.Caches.For(first.Server.Server.Fsm.Current));

        // The real servers' own proxycfg and xDS resources are theirs alone, too.
        var firstXds = first.Server.Server.Xds!;
        var secondXds = second.Server.Server.Xds!;
        Assert.NotSame(firstXds.Proxies, secondXds.Proxies);
        Assert.NotSame(firstXds.Proxies.Equality, secondXds.Proxies.Equality);
    }
}
