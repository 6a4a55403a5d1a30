using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

public sealed class GrowOnlyCountersTests
{
    private static CaState Ca() => new()
    {
        ClusterId = "11111111-2222-3333-4444-555555555555",
        TrustDomain = "11111111-2222-3333-4444-555555555555.consul",
        Roots = [new CaRoot { Id = "root-1", Name = "Mesh CA Primary Cert", Active = true }],
    };

    private static IEnumerable<long> Block(ApplyResult reserved, int count) => Enumerable.Range(0, count).Select(i => reserved.Value + i);

    [Fact]
    public void RestoringAnOlderSnapshot_KeepsTheSerialCounter_SoNoSerialIsHandedOutTwice()
    {
        var driver = new FsmDriver();
        driver.Ok(new CaSetStateCommand { State = Ca() });
        var issued = new List<long>();
        issued.AddRange(Block(driver.Ok(new CaReserveSerialsCommand { Count = 10 }), 10));

        // The operator saves a snapshot, leaves keep being signed, then the old snapshot is restored.
        var saved = StoreSnapshotCodec.Serialize(driver.State);
        issued.AddRange(Block(driver.Ok(new CaReserveSerialsCommand { Count = 10 }), 10));
        issued.AddRange(Block(driver.Ok(new CaReserveSerialsCommand { Count = 10 }), 10));
        var before = driver.State.Ca!.NextSerial;
        driver.Ok(new RestoreStateCommand { State = saved });

        Assert.Equal(before, driver.State.Ca!.NextSerial);
        issued.AddRange(Block(driver.Ok(new CaReserveSerialsCommand { Count = 10 }), 10));
        Assert.Equal(issued.Count, issued.Distinct().Count());
    }

    [Fact]
    public void RestoringANewerSnapshot_TakesItsHigherCounter()
    {
        var driver = new FsmDriver();
        driver.Ok(new CaSetStateCommand { State = Ca() });
        driver.Ok(new CaReserveSerialsCommand { Count = 500 });
        var newer = StoreSnapshotCodec.Serialize(driver.State);
        var expected = driver.State.Ca!.NextSerial;

        var other = new FsmDriver();
        other.Ok(new CaSetStateCommand { State = Ca() });
        other.Ok(new CaReserveSerialsCommand { Count = 5 });
        other.Ok(new RestoreStateCommand { State = newer });

        Assert.Equal(expected, other.State.Ca!.NextSerial);
    }

    [Fact]
    public void Restore_IsDeterministic_OnEveryServer()
    {
        var first = new FsmDriver();
        first.Ok(new CaSetStateCommand { State = Ca() });
        var saved = StoreSnapshotCodec.Serialize(first.State);
        first.Ok(new CaReserveSerialsCommand { Count = 42 });
        var second = new FsmDriver();
        second.Ok(new CaSetStateCommand { State = Ca() });
        second.Ok(new CaReserveSerialsCommand { Count = 42 });

        first.Ok(new RestoreStateCommand { State = saved });
        second.Ok(new RestoreStateCommand { State = saved });

        Assert.Equal(StoreSnapshotCodec.Digest(first.State), StoreSnapshotCodec.Digest(second.State));
    }
}
