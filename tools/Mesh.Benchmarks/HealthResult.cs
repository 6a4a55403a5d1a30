using Mesh.Api.Contracts;
using Mesh.Fsm.State;

namespace Mesh.Benchmarks;

/// <summary>
/// The read that <c>GET /v1/health/service/:name</c> runs per request: a copy of <c>HealthEndpoints.CheckServiceNodes</c>,
/// which is internal to Mesh.Api. Keep the two in step.
/// </summary>
public static class HealthResult
{
    public static IReadOnlyList<CheckServiceNodeView> Build(StoreState state, string service)
        => [.. state.ServicesNamed(service).Select(pair => new CheckServiceNodeView(
            state.Nodes[pair.Key.Node],
            pair.Service,
            [.. state.ChecksForInstance(pair.Key.Node, pair.Service.Id)]))];
}
