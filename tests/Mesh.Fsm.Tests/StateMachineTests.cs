using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests;

public sealed class StateMachineTests
{
    private static (StateMachine Fsm, List<ApplyResult> Results) ApplyAll(IReadOnlyList<LogRecord> log, Func<LogRecord, LogRecord>? transform = null)
    {
        var fsm = new StateMachine();
        var results = new List<ApplyResult>(log.Count);
        for (var i = 0; i < log.Count; i++)
        {
            results.Add(fsm.Apply(i + 1, transform is null ? log[i] : transform(log[i])));
        }

        return (fsm, results);
    }

    [Fact]
    public void Apply_SameLogOnTwoMachines_GivesEqualDigestsAndResults()
    {
        var log = CommandLog.Build();

        var (first, firstResults) = ApplyAll(log);
        var (second, secondResults) = ApplyAll(log);

        Assert.Equal(StoreSnapshotCodec.Digest(first.Current), StoreSnapshotCodec.Digest(second.Current));
        Assert.Equal(firstResults, secondResults);
        Assert.Equal(log.Count, first.Current.AppliedIndex);

        // The log must be realistic: mostly accepted, with refusals of both kinds and every service flavour present.
        Assert.InRange(firstResults.Count(r => r.Succeeded), log.Count / 2, log.Count - 1);
        Assert.Contains(firstResults, r => r.ErrorKind == ApplyErrorKind.Invalid);
        Assert.Contains(firstResults, r => r.ErrorKind == ApplyErrorKind.NotFound);
        Assert.Contains(log, r => r.Command is BatchCommand);
        Assert.Contains(log, r => r.Command is RestoreStateCommand);
        var state = first.Current;
        Assert.NotEmpty(state.ServicesByKind.Get(ServiceKind.ConnectProxy));
        Assert.Contains(state.Services.Values, s => s.Connect.Native);
        Assert.NotEmpty(state.Checks);
        StoreInvariants.AssertConsistent(state);
    }

    [Fact]
    public void Apply_LogRoundTrippedThroughLogCodec_GivesSameDigest()
    {
        var log = CommandLog.Build();

        var (direct, directResults) = ApplyAll(log);
        var (decoded, decodedResults) = ApplyAll(log, record => LogCodec.Decode(LogCodec.Encode(record)));

        Assert.Equal(StoreSnapshotCodec.Digest(direct.Current), StoreSnapshotCodec.Digest(decoded.Current));
        Assert.Equal(directResults, decodedResults);
    }

    [Fact]
    public void Apply_DifferentLogs_GiveDifferentDigests()
    {
        // Guards the determinism test against a digest that ignores the data.
        var (first, _) = ApplyAll(CommandLog.Build(seed: 1));
        var (second, _) = ApplyAll(CommandLog.Build(seed: 2));

        Assert.NotEqual(StoreSnapshotCodec.Digest(first.Current), StoreSnapshotCodec.Digest(second.Current));
    }

    [Fact]
    public void Apply_EveryStepOfLog_KeepsIndexesConsistentAndWatchIndexesMonotonic()
    {
        var log = CommandLog.Build(count: 300, seed: 99);
        var fsm = new StateMachine();
        using var changes = fsm.Changes.Subscribe();
        var previous = fsm.Current;

        for (var i = 0; i < log.Count; i++)
        {
            long index = i + 1;
            var result = fsm.Apply(index, log[i]);
            var current = fsm.Current;
            Assert.True(changes.TryRead(out var change));
            var touched = change.Keys;
            Assert.Equal(index, change.Index);
            Assert.Same(current, change.State);

            Assert.Equal(index, current.AppliedIndex);
            Assert.Equal(index, result.Index);
            foreach (var (key, value) in previous.WatchIndexes)
            {
                Assert.True(current.IndexOf(key) >= value, $"watch index of {key} went back from {value} to {current.IndexOf(key)} at {index}");
            }

            var restored = result.Succeeded && log[i].Command is RestoreStateCommand;
            foreach (var (key, value) in current.WatchIndexes)
            {
                // A key moves exactly when it was touched, and then to this index; a restore moves every key.
                Assert.Equal(touched.Contains(key) || restored ? index : previous.IndexOf(key), value);
            }

            if (!result.Succeeded)
            {
                Assert.Empty(touched);
                Assert.Same(previous.Services, current.Services);
                Assert.Same(previous.Checks, current.Checks);
                Assert.Same(previous.Nodes, current.Nodes);
            }

            StoreInvariants.AssertConsistent(current);
            previous = current;
        }
    }

    [Fact]
    public void Apply_RefusedCommand_ChangesOnlyAppliedIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.NodeCheck("serfHealth")));
        var before = driver.State;

        var result = driver.Apply(Catalog.Register("n1", null, Catalog.ServiceCheck("db-check", "db")));

        Assert.False(result.Succeeded);
        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Contains("db", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, driver.State.AppliedIndex);
        Assert.Equal(StoreSnapshotCodec.Digest(before with { AppliedIndex = 2 }), StoreSnapshotCodec.Digest(driver.State));
        Assert.Empty(driver.LastTouched);
    }

    [Fact]
    public void Apply_BatchWithOneRefusedCommand_AppliesNone()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        var before = driver.State;

        var result = driver.Apply(Catalog.Batch(
            Catalog.Register("n2", Catalog.Service("db", "db")),
            Catalog.DeregisterService("n1", "web"),
            Catalog.Update("n1", "no-such-check", HealthStatus.Passing),
            Catalog.Register("n3", Catalog.Service("api", "api"))));

        Assert.False(result.Succeeded);
        Assert.Equal(ApplyErrorKind.NotFound, result.ErrorKind);
        Assert.Null(driver.State.FindNode("n2"));
        Assert.Null(driver.State.FindNode("n3"));
        Assert.NotNull(driver.State.FindService("n1", "web"));
        Assert.Equal(StoreSnapshotCodec.Digest(before with { AppliedIndex = 2 }), StoreSnapshotCodec.Digest(driver.State));
        Assert.Empty(driver.LastTouched);
    }

    [Fact]
    public void Apply_BatchOfValidCommands_AppliesAllAtOneIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));

        driver.Ok(Catalog.Batch(
            Catalog.Register("n2", Catalog.Service("db", "db")),
            Catalog.Register("n2", Catalog.Service("cache", "cache"), Catalog.ServiceCheck("cache-alive", "cache")),
            Catalog.DeregisterService("n1", "web")));

        var state = driver.State;
        Assert.Equal(2, state.FindService("n2", "db")!.ModifyIndex);
        Assert.Equal(2, state.FindService("n2", "cache")!.CreateIndex);
        Assert.Equal(2, state.FindCheck("n2", "cache-alive")!.ModifyIndex);
        Assert.Null(state.FindService("n1", "web"));
        Assert.Contains(WatchKeys.Service("db"), driver.LastTouched);
        Assert.Contains(WatchKeys.Service("cache"), driver.LastTouched);
        Assert.Contains(WatchKeys.Service("web"), driver.LastTouched);
        Assert.Equal(2, state.IndexOf(WatchKeys.Service("web")));
    }

    [Fact]
    public void Apply_EmptyBatch_SucceedsAndTouchesNothing()
    {
        var driver = new FsmDriver();

        var result = driver.Apply(Catalog.Batch());

        Assert.True(result.Succeeded);
        Assert.Empty(driver.LastTouched);
        Assert.Equal(1, driver.State.AppliedIndex);
    }

    [Fact]
    public void Skip_AdvancesAppliedIndexOnly()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        var before = driver.State;

        driver.Fsm.Skip(2);

        Assert.Equal(2, driver.State.AppliedIndex);
        Assert.Same(before.Services, driver.State.Services);
        Assert.Same(before.WatchIndexes, driver.State.WatchIndexes);
        Assert.Empty(driver.LastTouched);
    }

    [Fact]
    public async Task Restore_ReplacesStateAndWakesEveryWatcher()
    {
        var source = new FsmDriver();
        source.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        source.Ok(Catalog.Register("n2", Catalog.Service("db", "db")));
        var target = new StateMachine();
        var watch = target.Watches.Capture([WatchKeys.Service("unrelated")]);
        var generation = target.Watches.RestoreGeneration;

        target.Restore(StoreSnapshotCodec.Read(StoreSnapshotCodec.Serialize(source.State)));

        Assert.True(await watch.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(generation + 1, target.Watches.RestoreGeneration);
        Assert.Equal(StoreSnapshotCodec.Digest(source.State), StoreSnapshotCodec.Digest(target.Current));
        Assert.Equal(2, target.Current.AppliedIndex);
    }

    [Fact]
    public async Task Apply_RestoreStateCommand_ReplacesStateAndMovesEveryWatchIndexToTheEntry()
    {
        var source = new FsmDriver();
        source.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.NodeCheck("serfHealth")));
        source.Ok(Catalog.Register("n2", Catalog.Sidecar("db-proxy", "db")));
        var driver = new FsmDriver();
        for (var i = 0; i < 5; i++)
        {
            driver.Ok(Catalog.Register("old-" + i, Catalog.Service("cache", "cache")));
        }

        var watch = driver.Fsm.Watches.Capture([WatchKeys.Service("unrelated")]);
        var generation = driver.Fsm.Watches.RestoreGeneration;

        driver.Ok(new RestoreStateCommand { State = StoreSnapshotCodec.Serialize(source.State) });

        var state = driver.State;
        Assert.Equal(6, state.AppliedIndex);
        Assert.Null(state.FindNode("old-0"));
        Assert.Empty(state.ServicesNamed("cache"));
        Assert.Equal(1, state.FindService("n1", "web")!.ModifyIndex);
        Assert.Equal(["n2"], state.ConnectServicesFor("db").Select(s => s.Key.Node));
        Assert.All(state.WatchIndexes.Values, index => Assert.Equal(6, index));
        Assert.Equal(6, state.IndexOf(WatchKeys.Service("cache")));
        Assert.Equal(6, state.IndexOf(WatchKeys.Nodes));
        Assert.True(await watch.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(generation + 1, driver.Fsm.Watches.RestoreGeneration);
        Assert.True(driver.LastChange!.Restored);
        Assert.Equal(6, driver.LastChange.Index);
        StoreInvariants.AssertConsistent(state);
    }

    [Theory]
    [InlineData(new byte[] { 0x96, 0x01 })]
    [InlineData(new byte[] { 0xc0 })]
    [InlineData(new byte[] { 0x90 })]
    [InlineData(new byte[] { })]
    public void Apply_RestoreStateCommandWithUnreadableState_IsRefusedAndChangesOnlyAppliedIndex(byte[] state)
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        var before = driver.State;

        var result = driver.Apply(new RestoreStateCommand { State = state });

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Equal(StoreSnapshotCodec.Digest(before with { AppliedIndex = 2 }), StoreSnapshotCodec.Digest(driver.State));
    }

    [Fact]
    public void Apply_PublishesOneChangeRecordWithThePublishedState()
    {
        var fsm = new StateMachine();
        using var changes = fsm.Changes.Subscribe();

        fsm.Apply(7, Catalog.Record(Catalog.Register("n1")));

        Assert.True(changes.TryRead(out var change));
        Assert.Same(fsm.Current, change.State);
        Assert.Equal(7, change.Index);
        Assert.False(change.Restored);
        Assert.Contains(WatchKeys.Nodes, change.Keys);
        Assert.Equal(1, fsm.Changes.Published);
    }
}
