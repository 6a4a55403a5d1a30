using Mesh.Fsm.Model;
using MessagePack;

namespace Mesh.Server.Federation;

/// <summary>
/// One row of a health query (Consul's <c>CheckServiceNode</c>): an instance with its node and the checks that decide
/// its health. What a datacenter answers another datacenter's server, over the server port.
/// </summary>
[MessagePackObject]
public sealed record HealthRow
{
    [Key(0)]
    public required Node Node { get; init; }

    [Key(1)]
    public required NodeService Service { get; init; }

    [Key(2)]
    public IReadOnlyList<HealthCheck> Checks { get; init; } = [];
}
