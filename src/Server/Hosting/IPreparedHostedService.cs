using Microsoft.Extensions.Hosting;

namespace Mesh.Server.Hosting;

/// <summary>
/// A hosted service with start-up work that touches no server state (building an edge's web application: most of it
/// is JIT compilation), which <see cref="ServerHost"/> begins on the thread pool as the host starts, beside the
/// services started before this one (opening Raft, joining the cluster). Its <see cref="IHostedService.StartAsync"/>
/// still runs in registration order and waits for its own preparation; whatever was prepared but never started is
/// released when the service is disposed.
/// </summary>
public interface IPreparedHostedService : IHostedService
{
    /// <summary>Begins the preparation (once; later calls do nothing) and returns at once.</summary>
    void BeginPreparation();
}
