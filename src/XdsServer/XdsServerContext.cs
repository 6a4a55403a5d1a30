using Mesh.Fsm;
using Mesh.ProxyCfg;
using Mesh.Server;
using Mesh.Server.Access;
using Mesh.XdsServer.Resources;
using Mesh.XdsServer.Streams;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer;

/// <summary>What the xDS streams of one server share: its store, proxycfg, identity, options and loggers.</summary>
public sealed class XdsServerContext
{
    public required StateMachine Fsm { get; init; }

    public required ProxyConfigSource Proxies { get; init; }

    public required AgentIdentity Self { get; init; }

    public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>The ACL hook (the same one the HTTP API uses); streams need <c>service:write</c> on the proxied service.</summary>
    public IAccessPolicy Access { get; init; } = AllowAllPolicy.Instance;

    /// <summary>Stream admission (the cap), metrics and drain; its options are the xDS limits.</summary>
    public XdsStreams Streams { get; init; } = new(new XdsServerOptions());

    public XdsServerOptions Options => Streams.Options;

    /// <summary>This server's generated resources per snapshot (shared by the streams of one proxy, never across servers).</summary>
    internal ResourceCache Resources => LazyInitializer.EnsureInitialized(ref _resources, () => new ResourceCache(Proxies.Equality));

    /// <summary>This server's packed proxyless resources per snapshot (shared by the SotW streams of one client key).</summary>
    internal ProxylessResourceCache ProxylessResources => LazyInitializer.EnsureInitialized(ref _proxylessResources, () => new ProxylessResourceCache());

    private ResourceCache? _resources;

    private ProxylessResourceCache? _proxylessResources;
}
