using MessagePack;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

public sealed class StoreSnapshotCodecTests
{
    private static StoreState BuildState(int count = 400)
    {
        var fsm = new StateMachine();
        var log = CommandLog.Build(count);
        for (var i = 0; i < log.Count; i++)
        {
            fsm.Apply(i + 1, log[i]);
        }

        return fsm.Current;
    }

    private static byte[] Encoded<T>(T value) => MessagePackSerializer.Serialize(value, LogCodec.Options);

    /// <summary>Unreadable input must fail with one of the two exceptions callers (restore, snapshot archive) handle.</summary>
    private static void AssertUnreadable(Exception? error, string what)
        => Assert.True(
            error is MessagePackSerializationException or InvalidDataException,
            $"{what}: expected MessagePackSerializationException or InvalidDataException, got {error?.GetType().Name ?? "no error"}");

    private static void AssertSameRows<T>(IEnumerable<T> expected, IEnumerable<T> actual)
        => Assert.Equal(expected.Select(Encoded).Select(Convert.ToHexString), actual.Select(Encoded).Select(Convert.ToHexString));

    [Fact]
    public void Read_OfSerialize_GivesEqualDigestAndQueryResults()
    {
        var state = BuildState();

        var restored = StoreSnapshotCodec.Read(StoreSnapshotCodec.Serialize(state));

        Assert.Equal(StoreSnapshotCodec.Digest(state), StoreSnapshotCodec.Digest(restored));
        Assert.Equal(state.AppliedIndex, restored.AppliedIndex);
        Assert.Equal(state.WatchIndexes, restored.WatchIndexes);
        Assert.Equal(StoreSnapshotCodec.Counts(state), StoreSnapshotCodec.Counts(restored));
        Assert.NotEmpty(state.Services);

        var names = state.Services.Values.Select(s => s.Service).Append("missing").Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            Assert.Equal(state.ServicesNamed(name).Select(s => s.Key), restored.ServicesNamed(name).Select(s => s.Key));
            AssertSameRows(state.ServicesNamed(name).Select(s => s.Service), restored.ServicesNamed(name).Select(s => s.Service));
            AssertSameRows(state.ConnectServicesFor(name).Select(s => s.Service), restored.ConnectServicesFor(name).Select(s => s.Service));
        }

        foreach (var node in state.Nodes.Values.Select(n => n.Name).Append("missing"))
        {
            AssertSameRows(state.ChecksOnNode(node), restored.ChecksOnNode(node));
            AssertSameRows(state.ServicesOnNode(node), restored.ServicesOnNode(node));
            Assert.Equal(state.FindNode(node) is null, restored.FindNode(node) is null);
        }

        foreach (var kind in state.ServicesByKind.Values)
        {
            Assert.Equal(state.ServicesByKind.Get(kind), restored.ServicesByKind.Get(kind));
        }

        Assert.Equal(state.ServicesByConnect.Values, restored.ServicesByConnect.Values);
        StoreInvariants.AssertConsistent(restored);
    }

    [Fact]
    public async Task ReadAsync_OfWrite_GivesEqualDigest()
    {
        var state = BuildState(150);
        using var stream = new MemoryStream();

        StoreSnapshotCodec.Write(state, stream);
        stream.Position = 0;
        var restored = await StoreSnapshotCodec.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(StoreSnapshotCodec.Digest(state), StoreSnapshotCodec.Digest(restored));
    }

    [Fact]
    public void Read_RestoredStore_KeepsApplyingLikeTheOriginal()
    {
        var log = CommandLog.Build(300, seed: 5);
        var original = new StateMachine();
        var resumed = new StateMachine();
        for (var i = 0; i < log.Count; i++)
        {
            original.Apply(i + 1, log[i]);
            if (i == 149)
            {
                resumed.Restore(StoreSnapshotCodec.Read(StoreSnapshotCodec.Serialize(original.Current)));
            }
            else if (i > 149)
            {
                resumed.Apply(i + 1, log[i]);
            }
        }

        Assert.Equal(StoreSnapshotCodec.Digest(original.Current), StoreSnapshotCodec.Digest(resumed.Current));
    }

    [Fact]
    public void Serialize_EmptyStore_RoundTrips()
    {
        var restored = StoreSnapshotCodec.Read(StoreSnapshotCodec.Serialize(StoreState.Empty));

        Assert.Equal(StoreSnapshotCodec.Digest(StoreState.Empty), StoreSnapshotCodec.Digest(restored));
        Assert.Empty(restored.Nodes);
    }

    [Fact]
    public void Read_EveryTruncation_Throws()
    {
        var bytes = StoreSnapshotCodec.Serialize(BuildState(60));
        Assert.True(bytes.Length > 200);

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsMemory(0, length);
            var error = Record.Exception(() => StoreSnapshotCodec.Read(prefix));
            AssertUnreadable(error, $"a snapshot truncated to {length} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public void Read_LargeSnapshotTruncated_Throws()
    {
        var bytes = StoreSnapshotCodec.Serialize(BuildState());

        foreach (var length in new[] { 1, bytes.Length / 3, bytes.Length / 2, bytes.Length - 1 })
        {
            AssertUnreadable(Record.Exception(() => StoreSnapshotCodec.Read(bytes.AsMemory(0, length))), $"truncated to {length}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Read_RandomGarbage_Throws(int seed)
    {
        var garbage = new byte[4096];
        new Random(seed).NextBytes(garbage);
        garbage[0] = 0x96; // a six-element array, like a real snapshot header, so the reader goes past the first byte

        AssertUnreadable(Record.Exception(() => StoreSnapshotCodec.Read(garbage)), $"garbage {seed}");
    }

    [Fact]
    public void Read_TextInsteadOfSnapshot_Throws()
    {
        AssertUnreadable(Record.Exception(() => StoreSnapshotCodec.Read("this is not a snapshot"u8.ToArray())), "text");
    }

    [Fact]
    public void Read_NilOrEmptyArray_IsRejectedAsInvalidData()
    {
        // Neither is a snapshot this codec wrote (those always carry a format number), so neither may read as an empty store.
        Assert.Throws<InvalidDataException>(() => StoreSnapshotCodec.Read(new byte[] { 0xc0 }));
        Assert.Throws<InvalidDataException>(() => StoreSnapshotCodec.Read(new byte[] { 0x90 }));
    }

    [Fact]
    public void Read_FutureFormat_IsRejectedAsInvalidData()
    {
        var future = MessagePackSerializer.Serialize(new StoreSnapshotData { Format = StoreSnapshotCodec.CurrentFormat + 1, AppliedIndex = 5 }, LogCodec.Options);

        var error = Assert.Throws<InvalidDataException>(() => StoreSnapshotCodec.Read(future));
        Assert.Contains("format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_FutureFormat_IsRejectedAsInvalidData()
    {
        var future = MessagePackSerializer.Serialize(new StoreSnapshotData { Format = StoreSnapshotCodec.CurrentFormat + 1 }, LogCodec.Options);
        using var stream = new MemoryStream(future);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await StoreSnapshotCodec.ReadAsync(stream, CancellationToken.None));
    }

    [Fact]
    public void Read_ServiceOnUnknownNode_IsRejectedAsInvalidData()
    {
        var data = new StoreSnapshotData
        {
            Format = StoreSnapshotCodec.CurrentFormat,
            Services = [new ServiceEntry { Node = "ghost", Service = Catalog.Service("web", "web") }],
        };

        Assert.Throws<InvalidDataException>(() => StoreSnapshotCodec.Read(MessagePackSerializer.Serialize(data, LogCodec.Options)));
    }

    [Fact]
    public void Digest_DiffersWhenAnyRowDiffers()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web", 80)));
        var first = StoreSnapshotCodec.Digest(driver.State);

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web", 81)));

        Assert.NotEqual(first, StoreSnapshotCodec.Digest(driver.State));
        Assert.Matches("^[0-9a-f]{64}$", first);
    }
}
