using Mesh.Fsm.Model;

namespace Mesh.Api.Contracts;

/// <summary>
/// <c>/v1/agent/health/service/*</c> (Consul's <c>api.AgentServiceChecksInfo</c>): one local instance with its checks
/// (the node's included) and their aggregated status. <c>Service</c> and <c>Checks</c> are null for an unknown ID.
/// </summary>
public sealed record AgentServiceChecksView(string AggregatedStatus, AgentServiceView? Service, IReadOnlyList<HealthCheck>? Checks);
