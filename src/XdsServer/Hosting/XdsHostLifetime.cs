namespace Mesh.XdsServer.Hosting;

/// <summary>The gRPC host's stop signal, shared with the long-lived public watches (WatchServers, WatchRoots).</summary>
public sealed class XdsHostLifetime : IDisposable
{
    public CancellationTokenSource Stopping { get; } = new();

    public void Dispose() => Stopping.Dispose();
}
