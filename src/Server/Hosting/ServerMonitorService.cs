using Mesh.Server.Cluster;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>Pings the other servers every second and, on the leader, removes dead ones (autopilot).</summary>
internal sealed class ServerMonitorService(ServerMonitor monitor, ILogger<ServerMonitorService> logger) : ServerLoop(logger)
{
    protected override string Name => "server monitor";

    protected override Task RunAsync(CancellationToken cancellationToken) => monitor.RunAsync(cancellationToken);
}
