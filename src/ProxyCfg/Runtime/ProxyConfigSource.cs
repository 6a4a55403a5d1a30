using Mesh.Api.Server;
using Mesh.Ca.Leaves;
using Mesh.Fsm;
using Microsoft.Extensions.Logging;

namespace Mesh.ProxyCfg;

/// <summary>
/// The server's proxycfg: keeps one state per watched proxy, built from this server's own store (followers serve from
/// local state, as Consul 1.14+ does) and shares store watches between proxies.
/// </summary>
public sealed class ProxyConfigSource : IAsyncDisposable
{
    public ProxyConfigSource(StateMachine fsm, LeafCertCache leaves, AgentIdentity self, ProxyCfgOptions options, ILoggerFactory loggerFactory)
    {
        _ = (fsm, leaves, self, options, loggerFactory);
        throw new NotImplementedException();
    }

    /// <summary>A watch of the proxy with this ID, or null if no connect-proxy with that ID is in the catalog.</summary>
    public ProxyWatch? TryWatch(ProxyId id) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
