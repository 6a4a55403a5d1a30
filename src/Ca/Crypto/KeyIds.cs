using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Mesh.Ca.Crypto;

/// <summary>Consul's identifiers: key ids (SHA-256 of the PKIX public key) and colon-separated lower-case hex.</summary>
public static class KeyIds
{
    private const string LowerHex = "0123456789abcdef";

    /// <summary><c>connect.KeyId</c>: SHA-256 of the DER SubjectPublicKeyInfo (not RFC 5280's method, but what Consul uses).</summary>
    public static byte[] Of(ReadOnlySpan<byte> subjectPublicKeyInfo) => SHA256.HashData(subjectPublicKeyInfo);

    /// <summary><c>connect.HexString</c>: "d2:2d:0f:...".</summary>
    public static string ColonHex(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        Span<char> text = bytes.Length <= 128 ? stackalloc char[(bytes.Length * 3) - 1] : new char[(bytes.Length * 3) - 1];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                text[(i * 3) - 1] = ':';
            }

            text[i * 3] = LowerHex[bytes[i] >> 4];
            text[(i * 3) + 1] = LowerHex[bytes[i] & 0xF];
        }

        return new string(text);
    }

    /// <summary>Parses <see cref="ColonHex"/> back to bytes.</summary>
    public static byte[] FromColonHex(string text)
        => text.Length == 0 ? [] : [.. text.Split(':').Select(part => byte.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    /// <summary>A serial number as the minimal big-endian bytes of a positive integer (what certificates carry).</summary>
    public static byte[] SerialBytes(BigInteger serial) => serial.ToByteArray(isUnsigned: true, isBigEndian: true);

    /// <summary>A fresh random 63-bit serial for a root or cross-signed certificate, which must not collide with leaf serials.</summary>
    public static BigInteger RandomSerial()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = (byte)((bytes[0] & 0x7F) | 0x40); // always large, never negative
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }
}
