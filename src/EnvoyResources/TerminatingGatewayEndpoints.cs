using Envoy.Config.Endpoint.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// A terminating gateway's ClusterLoadAssignments (Consul's <c>endpointsFromServicesAndResolvers</c>): one per EDS
/// cluster of a served linked service with no hostname instances. A subset's assignment has the instances its filter
/// keeps (OnlyPassing applied); the service's own has all of them, or its resolver's default subset's.
/// </summary>
internal static class TerminatingGatewayEndpoints
{
    public static IEnumerable<ClusterLoadAssignment> Generate(ConfigSnapshot snapshot)
    {
        foreach (var service in LinkedServiceClusters.Served(snapshot))
        {
            if (LinkedServiceClusters.Hostnames(service.Instances).Count > 0)
            {
                continue; // sent inline in its LOGICAL_DNS clusters
            }

            var defaultSubset = service.Resolver?.DefaultSubset ?? string.Empty;
            var clusters = LinkedServiceClusters.Of(snapshot, service).ToList();
            foreach (var linked in clusters)
            {
                var group = linked.Subset.Length == 0 && defaultSubset.Length > 0
                    ? clusters.FirstOrDefault(c => c.Subset == defaultSubset) ?? linked
                    : linked;
                yield return EndpointGenerator.LoadAssignment(linked.Name, group.Endpoints, group.OnlyPassing);
            }
        }
    }
}
