using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests;

/// <summary>
/// A <see cref="GroupCommand"/> entry (the leader's group commit): independent commands at one index, each with its own
/// result, published once.
/// </summary>
public sealed class GroupApplyTests
{
    private static CaState Ca() => new()
    {
        ClusterId = "11111111-2222-3333-4444-555555555555",
        TrustDomain = "11111111-2222-3333-4444-555555555555.consul",
        Roots = [new CaRoot { Id = "root-1", Name = "Mesh CA Primary Cert", Active = true }],
    };

    private static LogRecord Group(params Command[] commands) => Catalog.Record(new GroupCommand { Commands = commands });

    [Fact]
    public void MixedSuccessAndFailure_EachCommandGetsItsOwnResult_AndARefusedOneLeavesNoTrace()
    {
        var fsm = new StateMachine();
        fsm.Apply(1, Catalog.Record(new CaSetStateCommand { State = Ca() }));

        var result = fsm.Apply(2, Group(
            Catalog.Register("n1", Catalog.Service("web", "web")),

            // An all-or-nothing batch whose second part is refused: its first part (n9) must not survive either.
            Catalog.Batch(Catalog.Register("n9"), Catalog.Update("n9", "missing", HealthStatus.Passing)),

            // A compare-and-set that lost: the CA changed at index 1, the update was prepared against 0.
            new CaSetStateCommand { State = Ca() with { TrustDomain = "other.consul" }, ExpectedModifyIndex = 0 },
            new CaReserveSerialsCommand { Count = 5 },
            Catalog.Register("n2", Catalog.Service("db", "db"))));

        Assert.True(result.Succeeded);
        var results = Assert.IsAssignableFrom<IReadOnlyList<ApplyResult>>(result.Grouped);
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal(2, r.Index));
        Assert.True(results[0].Succeeded);
        Assert.Equal(ApplyErrorKind.NotFound, results[1].ErrorKind);
        Assert.Equal(ApplyErrorKind.CasConflict, results[2].ErrorKind);
        Assert.True(results[3].Succeeded);
        Assert.True(results[3].Value > 0, "the reserved serial block is this command's own value");
        Assert.True(results[4].Succeeded);

        var state = fsm.Current;
        Assert.Equal(2, state.AppliedIndex);
        Assert.Equal(2, state.FindNode("n1")!.ModifyIndex);
        Assert.Equal(2, state.FindNode("n2")!.ModifyIndex);
        Assert.Null(state.FindNode("n9"));
        Assert.Equal(Ca().TrustDomain, state.Ca!.TrustDomain);
        StoreInvariants.AssertConsistent(state);
    }

    [Fact]
    public void LaterCommands_SeeEarlierOnesOfTheSameEntry_AsIfAppliedOneAfterAnother()
    {
        var fsm = new StateMachine();

        var result = fsm.Apply(1, Group(
            Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.NodeCheck("alive")),
            Catalog.Update("n1", "alive", HealthStatus.Critical, "down"),
            Catalog.DeregisterService("n1", "web")));

        Assert.All(result.Grouped!, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(HealthStatus.Critical, fsm.Current.FindCheck("n1", "alive")!.Status);
        Assert.Null(fsm.Current.FindService("n1", "web"));
    }

    [Fact]
    public void AGroup_IsPublishedOnce_WithEveryCommandsKeys_AndNoStateWhereOnlySomeAreVisible()
    {
        var fsm = new StateMachine();
        using var changes = fsm.Changes.Subscribe();

        fsm.Apply(1, Group(
            Catalog.Register("n1", Catalog.Service("web", "web")),
            Catalog.Register("n2", Catalog.Service("db", "db")),
            Catalog.Register("n3", Catalog.Service("cache", "cache"))));

        Assert.Equal(1, fsm.Changes.Published);
        Assert.True(changes.TryRead(out var batch));
        Assert.Equal(1, batch.Records);
        Assert.Equal(1, batch.Index);
        Assert.Same(fsm.Current, batch.State);
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            Assert.Contains(WatchKeys.Node(node), batch.Keys);
            Assert.NotNull(batch.State.FindNode(node));
            Assert.Equal(1, batch.State.WatchIndexes[WatchKeys.Node(node)]);
        }

        Assert.False(changes.TryRead(out _));
    }

    [Fact]
    public void AGroupWhereEveryCommandIsRefused_IsANoOpAtItsIndex()
    {
        var fsm = new StateMachine();
        fsm.Apply(1, Catalog.Record(Catalog.Register("n1")));
        var before = fsm.Current;

        var result = fsm.Apply(2, Group(Catalog.DeregisterNode(string.Empty), Catalog.Update("n1", "missing", HealthStatus.Passing)));

        Assert.All(result.Grouped!, r => Assert.False(r.Succeeded));
        Assert.Equal(2, fsm.Current.AppliedIndex);
        Assert.Same(before.Nodes, fsm.Current.Nodes);
        Assert.Same(before.WatchIndexes, fsm.Current.WatchIndexes);
    }

    [Fact]
    public void ARestoreOrANestedGroup_IsRefusedInsideAGroup_AndTheOthersStillApply()
    {
        var fsm = new StateMachine();

        var result = fsm.Apply(1, Group(
            new RestoreStateCommand { State = StoreSnapshotCodec.Serialize(StoreState.Empty) },
            new GroupCommand { Commands = [Catalog.Register("n9")] },
            Catalog.Register("n1")));

        Assert.Equal(ApplyErrorKind.Invalid, result.Grouped![0].ErrorKind);
        Assert.Equal(ApplyErrorKind.Invalid, result.Grouped[1].ErrorKind);
        Assert.True(result.Grouped[2].Succeeded);
        Assert.Null(fsm.Current.FindNode("n9"));
        Assert.NotNull(fsm.Current.FindNode("n1"));
    }

    [Fact]
    public void TheRandomLog_InGroups_ThroughTheCodec_GivesTheSameDigestOnTwoMachines_AndTheSameResultsAsUngroupedWithinAnEntry()
    {
        // Group every run of plain commands of the generated log (restores stay alone, as the leader sends them).
        var entries = new List<LogRecord>();
        var run = new List<Command>();
        foreach (var record in CommandLog.Build())
        {
            if (record.Command is RestoreStateCommand)
            {
                Flush();
                entries.Add(record);
            }
            else
            {
                run.Add(record.Command);
                if (run.Count == 7)
                {
                    Flush();
                }
            }
        }

        Flush();

        var first = new StateMachine();
        var second = new StateMachine();
        for (var i = 0; i < entries.Count; i++)
        {
            var encoded = LogCodec.Encode(entries[i]);
            var a = first.Apply(i + 1, LogCodec.Decode(encoded));
            var b = second.Apply(i + 1, LogCodec.Decode(encoded));
            Assert.Equal(a.Grouped?.Select(r => (r.Index, r.Error, r.ErrorKind, r.Value)), b.Grouped?.Select(r => (r.Index, r.Error, r.ErrorKind, r.Value)));
        }

        Assert.Equal(StoreSnapshotCodec.Digest(first.Current), StoreSnapshotCodec.Digest(second.Current));
        StoreInvariants.AssertConsistent(first.Current);

        void Flush()
        {
            if (run.Count > 0)
            {
                entries.Add(Catalog.Record(new GroupCommand { Commands = [.. run] }));
                run.Clear();
            }
        }
    }
}
