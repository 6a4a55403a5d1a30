using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>What Consul's public gRPC services of one server share: its runtime (store, CA, cluster view, ACLs) and the server-set feed.</summary>
public sealed class PublicServicesContext
{
    public required ServerRuntime Runtime { get; init; }

    public required ServerSetFeed Servers { get; init; }

    public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>Cancelled when the gRPC host stops: open watches end with UNAVAILABLE so clients move to another server.</summary>
    public CancellationToken Stopping { get; init; }
}
