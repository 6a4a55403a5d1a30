using System.Net.Sockets;

namespace Mesh.Agent.Checks;

/// <summary>A TCP check: passing if a connection to the address opens within the timeout (Consul's <c>CheckTCP</c>).</summary>
internal static class TcpProbe
{
    public static async Task<CheckResult> RunAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!GoNetErrors.TrySplitHostPort(address, out var host, out var port))
        {
            return CheckResult.Critical($"dial tcp: address {address}: missing or invalid port in address");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);

        // A dual-mode socket reaches IPv4 and IPv6 addresses alike; the host may also be a name.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            return CheckResult.Passing($"TCP connect {address}: Success");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Critical(GoNetErrors.Timeout(address));
        }
        catch (SocketException error)
        {
            return CheckResult.Critical(GoNetErrors.Dial(address, error));
        }
    }
}
