using System.Globalization;
using System.Text;

namespace Mesh.EnvoyResources;

/// <summary>
/// Consul's <c>hostsKey</c>: the CRC-32 (IEEE) of the sorted host names written one after another, in lower-case hex
/// without leading zeros; it names an API gateway's virtual hosts (<c>&lt;gateway&gt;-&lt;listener&gt;-&lt;key&gt;</c>).
/// </summary>
internal static class HostsKey
{
    private static readonly uint[] Table = BuildTable();

    public static string Of(IEnumerable<string> hosts)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var host in hosts.Order(StringComparer.Ordinal))
        {
            foreach (var b in Encoding.UTF8.GetBytes(host))
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }
        }

        return (crc ^ 0xFFFFFFFFu).ToString("x", CultureInfo.InvariantCulture);
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
