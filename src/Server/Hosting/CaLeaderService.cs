using Mesh.Ca;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>The Connect CA's leader loop: initializes the CA, rotates roots and prunes old ones while this server leads.</summary>
internal sealed class CaLeaderService(CaRuntime ca, ILogger<CaLeaderService> logger) : ServerLoop(logger)
{
    protected override string Name => "CA leader";

    protected override Task RunAsync(CancellationToken cancellationToken) => ca.RunAsync(cancellationToken);
}
