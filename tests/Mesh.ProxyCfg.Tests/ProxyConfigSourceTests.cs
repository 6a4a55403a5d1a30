using Mesh.Fsm.State;
using Mesh.ProxyCfg.Tests.Support;

namespace Mesh.ProxyCfg.Tests;

public sealed class ProxyConfigSourceTests
{
    [Fact]
    public async Task NextAsync_FirstCall_ReturnsAValidSnapshotWithLeafAndEndpoints()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        await mesh.RegisterDbAsync("node-db-1", "127.0.0.21");
        var id = await mesh.RegisterWebSidecarAsync();

        await using var watch = mesh.Source.TryWatch(id);
        Assert.NotNull(watch);
        var snapshot = await watch.NextAsync(ProxyCfgServer.Timeout());

        Assert.NotNull(snapshot);
        Assert.Equal(id, snapshot.ProxyId);
        Assert.Equal("web", snapshot.Leaf.Service);
        Assert.NotEmpty(snapshot.Roots.Roots);
        var endpoints = Assert.Single(snapshot.Upstreams).Endpoints.Values.Single();
        Assert.Equal("127.0.0.21", Assert.Single(endpoints).Address);
    }

    [Fact]
    public async Task NextAsync_NewDbInstance_PublishesTwoEndpoints()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        await mesh.RegisterDbAsync("node-db-1", "127.0.0.21");
        var id = await mesh.RegisterWebSidecarAsync();
        await using var watch = mesh.Source.TryWatch(id)!;
        await watch.NextAsync(ProxyCfgServer.Timeout());

        await mesh.RegisterDbAsync("node-db-2", "127.0.0.22");
        var next = await NextWithEndpointsAsync(watch, 2);

        Assert.Equal(["127.0.0.21", "127.0.0.22"], next.Upstreams.Single().Endpoints.Values.Single().Select(e => e.Address));
    }

    [Fact]
    public async Task Publish_RapidChangesWithinTheWindow_AreCoalesced()
    {
        await using var mesh = await ProxyCfgServer.StartAsync(TimeSpan.FromMilliseconds(300));
        await mesh.RegisterDbAsync("node-db-1", "127.0.0.21");
        var id = await mesh.RegisterWebSidecarAsync();
        await using var watch = mesh.Source.TryWatch(id)!;
        await watch.NextAsync(ProxyCfgServer.Timeout());
        await mesh.WaitForQuietAsync();
        var before = mesh.Source.Publishes;

        const int changes = 8;
        await Task.WhenAll(Enumerable.Range(2, changes).Select(i => mesh.RegisterDbAsync($"node-db-{i}", $"127.0.0.{20 + i}")));
        await NextWithEndpointsAsync(watch, changes + 1);
        await mesh.WaitForQuietAsync();

        var published = mesh.Source.Publishes - before;
        Assert.InRange(published, 1, 3);
    }

    [Fact]
    public async Task TryWatch_TwiceForOneProxy_SharesOneState()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        var id = await mesh.RegisterWebSidecarAsync();

        await using var first = mesh.Source.TryWatch(id)!;
        await using var second = mesh.Source.TryWatch(id)!;

        Assert.Same(first.State, second.State);
        Assert.Equal(1, mesh.Source.WatchedProxies);
        var a = await first.NextAsync(ProxyCfgServer.Timeout());
        var b = await second.NextAsync(ProxyCfgServer.Timeout());
        Assert.Same(a, b);
    }

    [Fact]
    public async Task TryWatch_UnknownProxy_ReturnsNull()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        Assert.Null(mesh.Source.TryWatch(new ProxyId("nowhere", "nothing")));
    }

    [Fact]
    public async Task UpdateMaxPerSecond_OneChangeToManyProxies_IsSpreadOverTimeAndReachesAll()
    {
        const int proxies = 30;
        await using var mesh = await ProxyCfgServer.StartAsync(TimeSpan.Zero, updateMaxPerSecond: 20);
        await mesh.RegisterDbAsync("node-db-1", "127.0.0.21");
        var ids = await Task.WhenAll(Enumerable.Range(0, proxies).Select(i => mesh.RegisterWebSidecarAsync("node-web", $"web-sidecar-proxy-{i}")));
        var watches = ids.Select(id => mesh.Source.TryWatch(id)!).ToList();
        try
        {
            await Task.WhenAll(watches.Select(w => w.NextAsync(ProxyCfgServer.Timeout(60)).AsTask()));
            await mesh.WaitForQuietAsync();
            var before = mesh.Source.Builds;

            await mesh.RegisterDbAsync("node-db-2", "127.0.0.22");
            await Task.Delay(300);
            var early = mesh.Source.Builds - before;
            await Task.WhenAll(watches.Select(w => NextWithEndpointsAsync(w, 2)));

            // 20 rebuilds per second come as 2 per 100 ms: a third of a second covers well under 30 proxies.
            Assert.True(early < proxies, $"{early} of {proxies} proxies rebuilt within 300 ms at 20 per second");
            Assert.True(mesh.Source.Builds - before >= proxies);
        }
        finally
        {
            foreach (var watch in watches)
            {
                await watch.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Registry_ManyProxiesOfOneUpstream_ShareOneKeyAndBuildOncePerChange()
    {
        const int proxies = 500;
        await using var mesh = await ProxyCfgServer.StartAsync(TimeSpan.FromMilliseconds(100));
        await mesh.RegisterDbAsync("node-db-1", "127.0.0.21");
        var ids = new List<ProxyId>();
        for (var batch = 0; batch < proxies; batch += 25)
        {
            ids.AddRange(await Task.WhenAll(Enumerable.Range(batch, 25).Select(i => mesh.RegisterWebSidecarAsync($"node-web-{i % 10}", $"web-sidecar-proxy-{i}"))));
        }

        var watches = ids.Select(id => mesh.Source.TryWatch(id)!).ToList();
        try
        {
            await Task.WhenAll(watches.Select(w => w.NextAsync(ProxyCfgServer.Timeout(60)).AsTask()));
            await mesh.WaitForQuietAsync();

            Assert.Equal(proxies, mesh.Source.Registry.SubscriberCount(WatchKeys.Connect("db")));
            Assert.True(mesh.Source.Registry.KeyCount < 40, $"{mesh.Source.Registry.KeyCount} keys for {proxies} proxies");

            // The change is one write: the new instance's sidecar (its service registered and settled first, so a slow
            // machine cannot split what the test counts as one change across two coalesce windows).
            await mesh.RegisterDbServiceAsync("node-db-2", "127.0.0.22");
            await mesh.WaitForQuietAsync();
            var before = watches.Select(w => w.State.Builds).ToList();

            await mesh.RegisterDbSidecarAsync("node-db-2", "127.0.0.22");
            await Task.WhenAll(watches.Select(w => NextWithEndpointsAsync(w, 2)));
            await mesh.WaitForQuietAsync();

            Assert.All(watches.Select((w, i) => w.State.Builds - before[i]), delta => Assert.Equal(1, delta));
        }
        finally
        {
            foreach (var watch in watches)
            {
                await watch.DisposeAsync();
            }
        }

        Assert.Equal(0, mesh.Source.WatchedProxies);
        Assert.Equal(0, mesh.Source.Registry.KeyCount);
    }

    [Fact]
    public async Task NextAsync_ProxyDeregistered_ReturnsNull()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        var id = await mesh.RegisterWebSidecarAsync();
        await using var watch = mesh.Source.TryWatch(id)!;
        Assert.NotNull(await watch.NextAsync(ProxyCfgServer.Timeout()));

        await mesh.DeregisterAsync(id.NodeName, id.ServiceId);

        Assert.Null(await watch.NextAsync(ProxyCfgServer.Timeout()));
        Assert.Equal(0, mesh.Source.WatchedProxies);
        Assert.Null(mesh.Source.TryWatch(id));
    }

    [Fact]
    public async Task DisposeAsync_LastWatch_TearsTheStateDown()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        var id = await mesh.RegisterWebSidecarAsync();
        var first = mesh.Source.TryWatch(id)!;
        var second = mesh.Source.TryWatch(id)!;
        await first.NextAsync(ProxyCfgServer.Timeout());
        var state = first.State;

        await first.DisposeAsync();
        Assert.False(state.Stopped);
        Assert.Equal(1, mesh.Source.WatchedProxies);

        await second.DisposeAsync();
        Assert.True(state.Stopped);
        Assert.Equal(0, mesh.Source.WatchedProxies);
        Assert.Equal(0, mesh.Source.Registry.SubscriberCount(WatchKeys.Node(id.NodeName)));
    }

    /// <summary>Reads snapshots until the single upstream's single target has <paramref name="count"/> endpoints.</summary>
    private static async Task<ConfigSnapshot> NextWithEndpointsAsync(ProxyWatch watch, int count)
    {
        var cancellation = ProxyCfgServer.Timeout(30);
        while (true)
        {
            var snapshot = await watch.NextAsync(cancellation);
            Assert.NotNull(snapshot);
            if (snapshot.Upstreams.Single().Endpoints.Values.Single().Length == count)
            {
                return snapshot;
            }
        }
    }
}
