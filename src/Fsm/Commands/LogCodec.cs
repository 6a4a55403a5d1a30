using System.Buffers;
using MessagePack;
using MessagePack.Resolvers;

namespace Mesh.Fsm.Commands;

/// <summary>Encodes and decodes log records. Input from disk or the network is treated as untrusted.</summary>
public static class LogCodec
{
    /// <summary>Options shared by the log and the state snapshot codec.</summary>
    public static MessagePackSerializerOptions Options { get; } = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Encode(LogRecord record) => MessagePackSerializer.Serialize(record, Options);

    /// <summary>
    /// One command as it appears inside a record (its union tag and body). The leader encodes each proposal once, on
    /// the proposer's thread, and <see cref="Compose"/> lays the encoded commands into an entry without encoding again.
    /// </summary>
    public static byte[] EncodeCommand(Command command) => MessagePackSerializer.Serialize(command, Options);

    /// <summary>
    /// The entry for commands encoded by <see cref="EncodeCommand"/>: one command is a plain record (byte for byte what
    /// <see cref="Encode"/> writes for it), several are one record holding a <see cref="GroupCommand"/>.
    /// </summary>
    public static ReadOnlyMemory<byte> Compose(IReadOnlyList<ReadOnlyMemory<byte>> commands, long stampedUnixMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0)
        {
            throw new ArgumentException("an entry needs at least one command", nameof(commands));
        }

        var buffer = new ArrayBufferWriter<byte>(commands.Sum(c => c.Length) + 32);
        var writer = new MessagePackWriter(buffer);

        // The shape MessagePack's generated formatters write for LogRecord: [Format, Command, StampedUnixMilliseconds].
        writer.WriteArrayHeader(3);
        writer.Write(LogRecord.CurrentFormat);
        if (commands.Count == 1)
        {
            writer.WriteRaw(commands[0].Span);
        }
        else
        {
            // A union value is [tag, body]; a GroupCommand's body is [Commands].
            writer.WriteArrayHeader(2);
            writer.Write(GroupCommandTag);
            writer.WriteArrayHeader(1);
            writer.WriteArrayHeader(commands.Count);
            foreach (var command in commands)
            {
                writer.WriteRaw(command.Span);
            }
        }

        writer.Write(stampedUnixMilliseconds);
        writer.Flush();
        return buffer.WrittenMemory;
    }

    /// <summary>The union tag of <see cref="GroupCommand"/> in <see cref="Command"/>'s attributes.</summary>
    private const int GroupCommandTag = 6;

    public static LogRecord Decode(ReadOnlySequence<byte> payload)
    {
        var record = MessagePackSerializer.Deserialize<LogRecord?>(payload, Options)
            ?? throw new InvalidDataException("log record is nil");
        if (record.Format > LogRecord.CurrentFormat)
        {
            throw new InvalidDataException($"log record format {record.Format} is newer than this build understands ({LogRecord.CurrentFormat})");
        }

        // An unknown union tag (a command type added by a newer build) decodes as null; refuse it rather than apply nothing.
        if (!IsKnown(record.Command))
        {
            throw new InvalidDataException("log record holds a command type this build does not know");
        }

        return record;
    }

    private static bool IsKnown(Command? command) => command switch
    {
        null => false,
        BatchCommand batch => batch.Commands is not null && batch.Commands.All(IsKnown),
        GroupCommand group => group.Commands is not null && group.Commands.All(IsKnown),
        _ => true,
    };

    public static LogRecord Decode(ReadOnlyMemory<byte> payload) => Decode(new ReadOnlySequence<byte>(payload));
}
