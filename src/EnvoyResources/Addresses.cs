using Envoy.Config.Core.V3;

namespace Mesh.EnvoyResources;

/// <summary>Small shared pieces: socket addresses and the ADS config source.</summary>
internal static class Addresses
{
    public static Address Socket(string address, int port) => new()
    {
        SocketAddress = new SocketAddress { Address = address, PortValue = (uint)Math.Max(0, port) },
    };

    /// <summary><c>{"ads": {}, "resourceApiVersion": "V3"}</c>.</summary>
    public static ConfigSource Ads() => new() { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 };
}
