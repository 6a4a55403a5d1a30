using MessagePack;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.Commands;

/// <summary>The leader's composed entries: one command is the old record byte for byte, several are one group record.</summary>
public sealed class GroupedLogCodecTests
{
    private const long Stamp = 1_712_345_678_901;

    private static Command[] Commands() =>
    [
        Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.NodeCheck("serfHealth")),
        Catalog.DeregisterService("n1", "web"),
        Catalog.Update("n1", "serfHealth", "critical", "timed out"),
        Catalog.Batch(Catalog.Register("n2"), Catalog.DeregisterNode("n3")),
        new CaReserveSerialsCommand { Count = 3 },
    ];

    [Fact]
    public void Compose_OneCommand_IsByteForByteWhatEncodeWritesForIt()
    {
        foreach (var command in Commands())
        {
            var composed = LogCodec.Compose([LogCodec.EncodeCommand(command)], Stamp);

            Assert.Equal(LogCodec.Encode(Catalog.Record(command, Stamp)), composed.ToArray());
        }
    }

    [Fact]
    public void Compose_SeveralCommands_IsTheGroupRecord_AndDecodesToTheSameCommandsInOrder()
    {
        var commands = Commands();

        var composed = LogCodec.Compose([.. commands.Select(c => (ReadOnlyMemory<byte>)LogCodec.EncodeCommand(c))], Stamp);

        Assert.Equal(LogCodec.Encode(Catalog.Record(new GroupCommand { Commands = commands }, Stamp)), composed.ToArray());
        var decoded = LogCodec.Decode(composed);
        Assert.Equal(LogRecord.CurrentFormat, decoded.Format);
        Assert.Equal(Stamp, decoded.StampedUnixMilliseconds);
        var group = Assert.IsType<GroupCommand>(decoded.Command);
        Assert.Equal(commands.Select(c => c.GetType()), group.Commands.Select(c => c.GetType()));
        Assert.Equal("n1", Assert.IsType<RegisterCommand>(group.Commands[0]).Node);
        Assert.Equal(3, Assert.IsType<CaReserveSerialsCommand>(group.Commands[4]).Count);
    }

    [Fact]
    public void ARecordWrittenBeforeGroups_StillDecodesAsBefore()
    {
        // Format 2, DeregisterCommand (tag 2) for node "n1", stamp 0: the bytes a build without group commit wrote.
        var old = LogCodec.Encode(Catalog.Record(Catalog.DeregisterNode("n1"), stamp: 0));
        Assert.Equal([0x93, 0x02, 0x92, 0x02], old.Take(4));

        var decoded = LogCodec.Decode(old);

        Assert.Equal("n1", Assert.IsType<DeregisterCommand>(decoded.Command).Node);
        Assert.Equal(old, LogCodec.Compose([LogCodec.EncodeCommand(decoded.Command)], 0).ToArray());
    }

    [Fact]
    public void AGroupHoldingACommandTypeThisBuildDoesNotKnow_IsRejectedAsInvalidData()
    {
        byte[] unknown = [0x92, 0x63, 0x90];
        var known = MessagePackSerializer.Serialize<Command>(Catalog.DeregisterNode("n1"), LogCodec.Options);

        var payload = LogCodec.Compose([known, unknown], Stamp);

        Assert.Throws<InvalidDataException>(() => LogCodec.Decode(payload));
    }

    [Fact]
    public void Compose_NoCommands_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => LogCodec.Compose([], Stamp));
    }

    [Fact]
    public void GroupCommand_KeepsUnionTagSix()
    {
        // The tag is written into every grouped entry on disk; renumbering it would make old logs unreadable.
        var tags = typeof(Command).GetCustomAttributes(typeof(UnionAttribute), false).Cast<UnionAttribute>()
            .ToDictionary(u => u.Key, u => u.SubType);

        Assert.Equal(typeof(GroupCommand), tags[6]);
    }
}
