using Google.Protobuf;

namespace Mesh.Xds.Tests.Support;

/// <summary>Serializes messages the two ways Mesh will (binary on the wire, JSON in golden files) and back.</summary>
internal static class ProtoRoundTrip
{
    public static JsonFormatter Formatter { get; } =
        new(JsonFormatter.Settings.Default.WithTypeRegistry(XdsTypeRegistry.Instance).WithIndentation());

    public static JsonParser Parser { get; } =
        new(JsonParser.Settings.Default.WithTypeRegistry(XdsTypeRegistry.Instance));

    public static IMessage ThroughBinary(IMessage message)
    {
        var bytes = message.ToByteArray();
        return message.Descriptor.Parser.ParseFrom(bytes);
    }

    public static (string Json, IMessage Parsed) ThroughJson(IMessage message)
    {
        var json = Formatter.Format(message);
        return (json, Parser.Parse(json, message.Descriptor));
    }
}
