using System.Security.Cryptography;
using System.Text;

namespace Mesh.Config.Intentions;

/// <summary>
/// A stable UUID-shaped ID for an intention, derived from (source peer, source, destination): the same on every
/// server and across restarts, with no ID table to replicate. Version-5-style bits are set so tools that check the
/// UUID shape accept it.
/// </summary>
public static class IntentionId
{
    public static string For(string sourceName, string? sourcePeer, string destinationName)
    {
        var input = $"{sourcePeer}\n{IntentionPrecedence.DefaultNamespace}/{sourceName}\n{IntentionPrecedence.DefaultNamespace}/{destinationName}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash[..16]);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
