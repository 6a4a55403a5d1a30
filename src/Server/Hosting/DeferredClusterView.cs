using Mesh.Server.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Server.Hosting;

/// <summary>
/// Breaks the server runtime -> server monitor -> RPC dispatcher -> server runtime cycle: the runtime's cluster view
/// resolves the monitor from the server's provider when first asked.
/// </summary>
internal sealed class DeferredClusterView(IServiceProvider services) : IClusterView
{
    private ServerMonitor Monitor => services.GetRequiredService<ServerMonitor>();

    public IReadOnlyList<ServerMember> Servers => Monitor.Servers;

    public bool Healthy => Monitor.Healthy;

    public int FailureTolerance => Monitor.FailureTolerance;

    public Task RemovePeerAsync(string address, CancellationToken cancellationToken) => Monitor.RemovePeerAsync(address, cancellationToken);

    public Mesh.Fsm.Model.AutopilotConfig Configuration => Monitor.Configuration;

    public Task<string> StepDownLeaderAsync(CancellationToken cancellationToken) => Monitor.StepDownLeaderAsync(cancellationToken);

    public Task<string> TransferLeadershipAsync(string? targetAddress, CancellationToken cancellationToken) => Monitor.TransferLeadershipAsync(targetAddress, cancellationToken);
}
