using System.Net.Sockets;

namespace Mesh.Agent.Checks;

/// <summary>
/// Socket failures worded as Go's <c>net</c> package words them, because check output is read by people and tools
/// that know Consul's messages ("dial tcp 127.0.0.1:80: connect: connection refused").
/// </summary>
internal static class GoNetErrors
{
    public static string Dial(string address, SocketException error) => error.SocketErrorCode switch
    {
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"dial tcp: lookup {HostOf(address)}: no such host",
        SocketError.TimedOut => Timeout(address),
        _ => $"dial tcp {address}: connect: {Describe(error)}",
    };

    public static string Timeout(string address) => $"dial tcp {address}: i/o timeout";

    public static string Describe(SocketException error) => error.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by peer",
        SocketError.HostUnreachable => "no route to host",
        SocketError.NetworkUnreachable => "network is unreachable",
        SocketError.TimedOut => "i/o timeout",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        _ => error.Message,
    };

    /// <summary>Splits <c>host:port</c> or <c>[v6]:port</c> as Go's <c>net.SplitHostPort</c> does.</summary>
    public static bool TrySplitHostPort(string address, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1)
        {
            return false;
        }

        host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            return false; // An IPv6 address needs brackets.
        }

        return int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535 && host.Length > 0;
    }

    private static string HostOf(string address) => TrySplitHostPort(address, out var host, out _) ? host : address;
}
