using System.Security.Cryptography;
using Google.Protobuf;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// A resource's version: the lower-case hex SHA-256 of its protobuf encoding (Consul's <c>hashResource</c>). The C#
/// encoder writes fields in field-number order and map entries in insertion order; resource generation is
/// deterministic, so equal resources get equal versions on every server and across reconnects.
/// </summary>
internal static class ResourceVersion
{
    public static string Of(ByteString encoded) => Convert.ToHexStringLower(SHA256.HashData(encoded.Span));

    public static string Of(IMessage message) => Of(message.ToByteString());
}
