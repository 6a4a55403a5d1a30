using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.Feed;

public sealed class ChangeFeedTests
{
    [Fact]
    public void Skip_And_RefusedCommand_PublishNoOpRecords()
    {
        var fsm = new StateMachine();
        using var changes = fsm.Changes.Subscribe();

        fsm.Skip(1);
        Assert.True(changes.TryRead(out var skipped));
        Assert.Equal(1, skipped.Index);
        Assert.False(skipped.Restored);
        Assert.Empty(skipped.Keys);

        var refused = fsm.Apply(2, Catalog.Record(new DeregisterCommand { Node = string.Empty }));
        Assert.False(refused.Succeeded);
        Assert.True(changes.TryRead(out var noop));
        Assert.Equal(2, noop.Index);
        Assert.Empty(noop.Keys);
        Assert.False(noop.Restored);
    }

    [Fact]
    public void SnapshotInstall_PublishesARestore()
    {
        var source = new FsmDriver();
        source.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        var target = new StateMachine();
        using var changes = target.Changes.Subscribe();

        target.Restore(StoreSnapshotCodec.Read(StoreSnapshotCodec.Serialize(source.State)));

        Assert.True(changes.TryRead(out var restore));
        Assert.True(restore.Restored);
        Assert.Equal(1, restore.Index);
        Assert.Same(target.Current, restore.State);
    }

    [Fact]
    public async Task SlowSubscriber_GetsOneMergedBatch_WithEveryKeyAndTheLatestState()
    {
        var driver = new FsmDriver();
        using var slow = driver.Fsm.Changes.Subscribe();

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        driver.Ok(Catalog.Register("n2", Catalog.Service("db", "db")));
        driver.Ok(Catalog.Register("n3", Catalog.Service("cache", "cache")));

        var batch = await slow.ReadAsync(CancellationToken.None);
        Assert.Equal(3, batch.Records);
        Assert.Equal(3, batch.Index);
        Assert.Same(driver.State, batch.State);
        Assert.Contains(WatchKeys.Service("web"), batch.Keys);
        Assert.Contains(WatchKeys.Service("db"), batch.Keys);
        Assert.Contains(WatchKeys.Service("cache"), batch.Keys);
        Assert.False(slow.TryRead(out _));
    }

    [Fact]
    public async Task ReadAsync_WaitsForTheNextApply()
    {
        var driver = new FsmDriver();
        using var changes = driver.Fsm.Changes.Subscribe();
        var read = changes.ReadAsync(CancellationToken.None).AsTask();
        Assert.False(read.IsCompleted);

        driver.Ok(Catalog.Register("n1"));

        var batch = await read.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, batch.Index);
    }

    [Fact]
    public async Task WaitForIndexAsync_CompletesOncePublished_AndAtOnceForPastIndexes()
    {
        var driver = new FsmDriver();
        var second = driver.Fsm.Changes.WaitForIndexAsync(2, CancellationToken.None);
        var fifth = driver.Fsm.Changes.WaitForIndexAsync(5, CancellationToken.None);

        driver.Ok(Catalog.Register("n1"));
        Assert.False(second.IsCompleted);
        driver.Ok(Catalog.Register("n2"));

        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fifth.IsCompleted);
        Assert.True(driver.Fsm.Changes.WaitForIndexAsync(1, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void DisposedSubscription_NoLongerReceives()
    {
        var driver = new FsmDriver();
        var changes = driver.Fsm.Changes.Subscribe();
        changes.Dispose();

        driver.Ok(Catalog.Register("n1"));

        Assert.Throws<ObjectDisposedException>(() => changes.TryRead(out _));
    }
}
