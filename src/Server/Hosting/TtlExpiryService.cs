using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>Turns TTL checks whose deadline passed critical (on the leader).</summary>
internal sealed class TtlExpiryService(TtlTracker ttl, ILogger<TtlExpiryService> logger) : ServerLoop(logger)
{
    protected override string Name => "TTL expiry";

    protected override Task RunAsync(CancellationToken cancellationToken) => ttl.RunAsync(cancellationToken);
}
