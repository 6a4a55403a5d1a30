using Mesh.FaultTest.Checking;

namespace Mesh.FaultTest.Tests;

public sealed class LinearizabilityCheckerTests
{
    private static Operation W(string? value, long call, long ret, int client = 0) => new("k", OperationKind.Write, value, call, ret, client);

    private static Operation R(string? value, long call, long ret, int client = 1) => new("k", OperationKind.Read, value, call, ret, client);

    private static bool Linearizable(params Operation[] ops) => LinearizabilityChecker.CheckKey("k", ops).Linearizable;

    [Fact]
    public void SequentialWriteThenRead_IsLinearizable()
        => Assert.True(Linearizable(W("a", 0, 1), R("a", 2, 3), W("b", 4, 5), R("b", 6, 7)));

    [Fact]
    public void ReadBeforeAnyWrite_SeesAbsent()
    {
        Assert.True(Linearizable(R(null, 0, 1), W("a", 2, 3)));
        Assert.False(Linearizable(R("a", 0, 1), W("a", 2, 3)));
    }

    [Fact]
    public void ValueNeverWritten_IsAViolation()
        => Assert.False(Linearizable(W("a", 0, 1), R("zzz", 2, 3)));

    [Fact]
    public void StaleReadAfterANewerWriteCompleted_IsAViolation()
        => Assert.False(Linearizable(W("a", 0, 1), W("b", 2, 3), R("a", 4, 5)));

    [Fact]
    public void ReadConcurrentWithWrite_MaySeeEitherValue()
    {
        Assert.True(Linearizable(W("a", 0, 1), W("b", 2, 10), R("a", 3, 4)));
        Assert.True(Linearizable(W("a", 0, 1), W("b", 2, 10), R("b", 3, 4)));
    }

    [Fact]
    public void ReadsGoingBackwardsDuringOneWrite_IsAViolation()
        => Assert.False(Linearizable(W("a", 0, 1), W("b", 2, 20), R("b", 3, 4), R("a", 5, 6)));

    [Fact]
    public void TwoConcurrentWrites_ReadsMustAgreeOnOneOrder()
    {
        Assert.True(Linearizable(W("a", 0, 5), W("b", 0, 5), R("a", 6, 7), R("a", 8, 9)));
        Assert.False(Linearizable(W("a", 0, 5), W("b", 0, 5), R("b", 6, 7), R("a", 8, 9)));
    }

    [Fact]
    public void PendingWrite_MayTakeEffectLateOrNever()
    {
        Assert.True(Linearizable(W("a", 0, Operation.Pending), R(null, 1, 2), R("a", 30, 31)));
        Assert.True(Linearizable(W("a", 0, Operation.Pending), R(null, 1, 2), R(null, 30, 31)));
        Assert.False(Linearizable(W("a", 0, Operation.Pending), R("a", 1, 2), R(null, 30, 31)));
    }

    [Fact]
    public void RandomHistoriesBuiltFromALinearization_AreLinearizable_AndACorruptedReadIsCaught()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 50; trial++)
        {
            // Operations take effect at distinct points; each one's interval is stretched around its point.
            var ops = new List<Operation>();
            string? state = null;
            for (var i = 0; i < 60; i++)
            {
                var point = (i * 10) + 5;
                var call = point - random.Next(0, 40);
                var ret = point + random.Next(0, 40);
                if (random.Next(2) == 0)
                {
                    state = $"v{i}";
                    ops.Add(new Operation("k", OperationKind.Write, state, call, random.Next(10) == 0 ? Operation.Pending : ret, i % 4));
                }
                else
                {
                    ops.Add(new Operation("k", OperationKind.Read, state, call, ret, i % 4));
                }
            }

            var result = LinearizabilityChecker.CheckKey("k", ops);
            Assert.True(result.Linearizable, result.Explanation);
            Assert.False(result.TimedOut);
        }

        // A read that returns a value overwritten long before it was invoked.
        var history = new List<Operation> { W("old", 0, 1), W("new", 2, 3), R("new", 4, 5) };
        for (var i = 0; i < 40; i++)
        {
            history.Add(R("new", 10 + (i * 3), 11 + (i * 3)));
        }

        history.Add(R("old", 500, 501));
        Assert.False(LinearizabilityChecker.CheckKey("k", history).Linearizable);
    }

    [Fact]
    public void Check_SplitsByKey()
    {
        Operation[] history =
        [
            new("x", OperationKind.Write, "1", 0, 1, 0),
            new("y", OperationKind.Read, "1", 2, 3, 1),
            new("x", OperationKind.Read, "1", 2, 3, 1),
        ];
        var results = LinearizabilityChecker.Check(history);
        Assert.Equal(2, results.Count);
        Assert.True(results.Single(r => r.Key == "x").Linearizable);
        Assert.False(results.Single(r => r.Key == "y").Linearizable);
    }
}
