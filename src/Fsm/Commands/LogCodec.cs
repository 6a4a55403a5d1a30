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
        var record = MessagePackSerializer.Deserialize<LogRecord>(payload, Options);
        if (record.Format > LogRecord.CurrentFormat)
        {
            throw new InvalidDataException($"log record format {record.Format} is newer than this build understands ({LogRecord.CurrentFormat})");
        }

        return record;
    }

    public static LogRecord Decode(ReadOnlyMemory<byte> payload) => Decode(new ReadOnlySequence<byte>(payload));
}
