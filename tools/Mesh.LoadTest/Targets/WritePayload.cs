using System.Globalization;
using System.Text;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// The document every write stores: a Consul catalog registration of one service instance. Each client cycles over
/// 100 instances (so the store stays small) and every write carries a new port (so it is never a no-op).
/// </summary>
public static class WritePayload
{
    public const int InstancesPerClient = 100;

    public static string InstanceKey(int client, long sequence)
        => string.Create(CultureInfo.InvariantCulture, $"load-{client}-{sequence % InstancesPerClient}");

    public static byte[] RegistrationJson(int client, long sequence)
    {
        var port = 1024 + (sequence % 60_000);
        var json = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"Node\":\"load-node-{client}\",\"Address\":\"127.0.0.1\",\"Service\":{{\"ID\":\"{InstanceKey(client, sequence)}\",\"Service\":\"load-{client}\",\"Port\":{port},\"Tags\":[\"v1\",\"load\"],\"Meta\":{{\"version\":\"1.0.0\"}}}}}}");
        return Encoding.UTF8.GetBytes(json);
    }
}
