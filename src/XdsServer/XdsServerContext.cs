using Mesh.Api.Server;
using Mesh.Fsm;
using Mesh.ProxyCfg;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer;

/// <summary>What the xDS streams of one server share: its store, proxycfg, identity, options and loggers.</summary>
public sealed class XdsServerContext
{
    public required StateMachine Fsm { get; init; }

    public required ProxyConfigSource Proxies { get; init; }

    public required AgentIdentity Self { get; init; }

    public required ILoggerFactory LoggerFactory { get; init; }
}
