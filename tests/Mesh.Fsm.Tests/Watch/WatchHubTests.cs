using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;
using Mesh.Fsm.Watch;

namespace Mesh.Fsm.Tests.Watch;

public sealed class WatchHubTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Fire_CapturedKey_WakesWaiter()
    {
        var hub = new WatchHub();
        var watch = hub.Capture(["service/web"]);
        var waiting = watch.WaitAsync(Long, CancellationToken.None).AsTask();

        hub.Fire(["service/web"]);

        Assert.True(await waiting.WaitAsync(Long));
        Assert.Equal(0, hub.ActiveKeys);
    }

    [Fact]
    public async Task Fire_AnyOfSeveralCapturedKeys_WakesWaiter()
    {
        var hub = new WatchHub();
        var watch = hub.Capture(["service/web", "nodes", "checks"]);

        hub.Fire(["checks"]);

        Assert.True(await watch.WaitAsync(Long, CancellationToken.None));
        Assert.Equal(2, hub.ActiveKeys);
    }

    [Fact]
    public async Task Fire_UnrelatedKey_DoesNotWake()
    {
        var hub = new WatchHub();
        var watch = hub.Capture(["service/web"]);

        hub.Fire(["service/db", "nodes"]);

        Assert.False(await watch.WaitAsync(Short, CancellationToken.None));
        Assert.Equal(1, hub.ActiveKeys);
    }

    [Fact]
    public async Task WaitAsync_NothingFires_ReturnsFalseAfterTimeout()
    {
        var hub = new WatchHub();
        var watch = hub.Capture(["service/web"]);

        Assert.False(await watch.WaitAsync(Short, CancellationToken.None));
        Assert.False(await watch.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        var hub = new WatchHub();
        var watch = hub.Capture(["service/web"]);
        using var cancellation = new CancellationTokenSource();
        var waiting = watch.WaitAsync(Long, cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Capture_AfterFire_GetsFreshSignal()
    {
        var hub = new WatchHub();
        var first = hub.Capture(["service/web"]);
        hub.Fire(["service/web"]);

        var second = hub.Capture(["service/web"]);

        Assert.True(await first.WaitAsync(Short, CancellationToken.None));
        Assert.False(await second.WaitAsync(Short, CancellationToken.None));
    }

    [Fact]
    public async Task FireAll_WakesEveryWaiterAndCountsRestore()
    {
        var hub = new WatchHub();
        var web = hub.Capture(["service/web"]);
        var nodes = hub.Capture(["nodes", "node/n1"]);
        var before = hub.RestoreGeneration;

        hub.FireAll();

        Assert.Equal(before + 1, hub.RestoreGeneration);
        Assert.True(await web.WaitAsync(Long, CancellationToken.None));
        Assert.True(await nodes.WaitAsync(Long, CancellationToken.None));
        Assert.Equal(0, hub.ActiveKeys);
    }

    [Fact]
    public async Task Capture_TenThousandWaitersOnOneKey_ShareOneSignalAndAllWake()
    {
        var hub = new WatchHub();
        var waits = new Task<bool>[10_000];
        for (var i = 0; i < waits.Length; i++)
        {
            waits[i] = hub.Capture([WatchKeys.Service("web")]).WaitAsync(Long, CancellationToken.None).AsTask();
        }

        Assert.Equal(1, hub.ActiveKeys);
        Assert.DoesNotContain(waits, w => w.IsCompleted);

        hub.Fire([WatchKeys.Service("web")]);

        var woken = await Task.WhenAll(waits).WaitAsync(Long);
        Assert.All(woken, Assert.True);
        Assert.Equal(0, hub.ActiveKeys);
    }

    [Fact]
    public async Task StateMachine_WriteToWatchedService_WakesOnlyItsWatchers()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("db", "db")));
        var web = driver.Fsm.Watches.Capture([WatchKeys.Service("web")]);
        var db = driver.Fsm.Watches.Capture([WatchKeys.Service("db")]);

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));

        Assert.True(await web.WaitAsync(Long, CancellationToken.None));
        Assert.False(await db.WaitAsync(Short, CancellationToken.None));
    }
}
