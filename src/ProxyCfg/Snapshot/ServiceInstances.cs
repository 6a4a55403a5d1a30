using System.Collections.Immutable;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// The instances of a service itself (Consul's <c>Health</c> query with <c>Connect: false</c>, what a terminating
/// gateway watches for the services it links): each instance's best address (its own, else its node's), port and
/// check statuses, narrowed by a subset filter. Health is not filtered here.
/// </summary>
internal static class ServiceInstances
{
    public static ImmutableArray<UpstreamEndpoint> Resolve(StoreState state, string service, string filter, FilterCache filters)
    {
        var expression = filter.Length == 0 ? null : filters.Parse(filter);
        if (filter.Length > 0 && expression is null)
        {
            return [];
        }

        var endpoints = ImmutableArray.CreateBuilder<UpstreamEndpoint>();
        foreach (var (key, instance) in state.ServicesNamed(service))
        {
            if (instance.Kind != ServiceKind.Typical || state.FindNode(key.Node) is not { } node)
            {
                continue;
            }

            var checks = state.ChecksForInstance(node.Name, instance.Id).ToList();
            if (expression is not null && !expression.Matches(FilterSubject.Of(node, instance, checks)))
            {
                continue;
            }

            endpoints.Add(UpstreamEndpoint.Of(node, instance, checks));
        }

        return UpstreamEndpoint.Ordered(endpoints);
    }
}
