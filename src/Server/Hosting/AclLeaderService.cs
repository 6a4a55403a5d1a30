using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>The ACL leader duties (built-ins, anonymous and initial management tokens, expiry) while this server leads.</summary>
internal sealed class AclLeaderService(AclLeaderDuties duties, ILogger<AclLeaderService> logger) : ServerLoop(logger)
{
    protected override string Name => "ACL leader";

    protected override Task RunAsync(CancellationToken cancellationToken) => duties.RunAsync(cancellationToken);
}
