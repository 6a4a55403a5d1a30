using Envoy.Config.Endpoint.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// A mesh gateway's ClusterLoadAssignments (Consul's <c>endpointsFromSnapshotMeshGateway</c>): each other datacenter
/// reached by IP address (its gateways' WAN addresses), and each local service and subset (its Connect-capable
/// instances). A datacenter reached by hostname has none: its LOGICAL_DNS cluster carries its endpoint.
/// </summary>
internal static class MeshGatewayEndpoints
{
    public static IEnumerable<ClusterLoadAssignment> Generate(ConfigSnapshot snapshot)
    {
        var gateway = snapshot.MeshGateway!;
        foreach (var remote in gateway.Datacenters.Where(remote => MeshGatewayClusters.HostnameEndpoint(remote) is null))
        {
            yield return EndpointGenerator.LoadAssignment(
                MeshGatewayClusters.DatacenterClusterName(remote.Datacenter, snapshot.TrustDomain), remote.Gateways, onlyPassing: false);
        }

        foreach (var service in gateway.Services)
        {
            foreach (var subset in service.Subsets)
            {
                yield return EndpointGenerator.LoadAssignment(
                    MeshGatewayClusters.ServiceClusterName(snapshot, service.Name, subset.Subset), subset.Endpoints, subset.OnlyPassing);
            }
        }
    }
}
