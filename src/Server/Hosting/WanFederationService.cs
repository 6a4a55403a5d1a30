using Mesh.Server.Federation;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>Keeps the other datacenters' server lists fresh (<c>retry_join_wan</c>); does nothing without join addresses.</summary>
internal sealed class WanFederationService(WanFederation federation, ILogger<WanFederationService> logger) : ServerLoop(logger)
{
    protected override string Name => "WAN federation";

    protected override Task RunAsync(CancellationToken cancellationToken) => federation.RunAsync(cancellationToken);
}
