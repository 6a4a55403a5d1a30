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
        _ => true,
    };

    public static LogRecord Decode(ReadOnlyMemory<byte> payload) => Decode(new ReadOnlySequence<byte>(payload));
}
