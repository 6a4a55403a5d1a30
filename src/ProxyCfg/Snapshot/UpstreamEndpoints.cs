using System.Collections.Immutable;
using Mesh.Config.Filtering;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// The Connect-capable instances of a service (Consul's <c>Health</c> query with <c>Connect: true</c>): its sidecar
/// proxies and Connect-native instances, each with its node's and its own check statuses, narrowed by a subset filter.
/// Health is not filtered here: resource generation marks unhealthy endpoints (and applies OnlyPassing) as Consul does.
/// </summary>
internal static class UpstreamEndpoints
{
    public const string VirtualTaggedAddress = "virtual";

    public static ImmutableArray<UpstreamEndpoint> Resolve(StoreState state, string service, string filter, FilterCache filters)
    {
        var expression = filter.Length == 0 ? null : filters.Parse(filter);
        if (filter.Length > 0 && expression is null)
        {
            return [];
        }

        var endpoints = ImmutableArray.CreateBuilder<UpstreamEndpoint>();
        foreach (var (key, instance) in state.ConnectServicesFor(service))
        {
            var node = state.FindNode(key.Node);
            if (node is null)
            {
                continue;
            }

            var checks = state.ChecksForInstance(node.Name, instance.Id).ToList();
            var destination = DestinationInstance(state, node.Name, instance);
            if (expression is not null && !expression.Matches(FilterSubject.Of(node, destination, checks)))
            {
                continue;
            }

            endpoints.Add(UpstreamEndpoint.Of(node, instance, checks) with
            {
                VirtualAddress = VirtualAddress(instance) ?? VirtualAddress(destination) ?? string.Empty,
            });
        }

        return UpstreamEndpoint.Ordered(endpoints);
    }

    /// <summary>
    /// The endpoints of a target in another datacenter, from that datacenter's Connect health rows, narrowed by the
    /// subset filter. The filter sees each row as that datacenter answered it (the proxy instance, as Consul's
    /// <c>Health.ServiceNodes</c> with Connect does), not the instance it fronts: that one is not sent across.
    /// </summary>
    public static ImmutableArray<UpstreamEndpoint> FromRows(IReadOnlyList<Mesh.Server.Federation.HealthRow> rows, string filter, FilterCache filters)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(filters);
        var expression = filter.Length == 0 ? null : filters.Parse(filter);
        if (filter.Length > 0 && expression is null)
        {
            return [];
        }

        return UpstreamEndpoint.Ordered(rows
            .Where(row => expression is null || expression.Matches(FilterSubject.Of(row.Node, row.Service, row.Checks)))
            .Select(row => UpstreamEndpoint.Of(row.Node, row.Service, row.Checks) with { VirtualAddress = VirtualAddress(row.Service) ?? string.Empty }));
    }

    /// <summary>The instance a sidecar fronts (subset filters select on its tags and meta), or the instance itself.</summary>
    private static NodeService DestinationInstance(StoreState state, string node, NodeService instance)
        => instance.Kind == ServiceKind.ConnectProxy && instance.Proxy.DestinationServiceID.Length > 0
           && state.FindService(node, instance.Proxy.DestinationServiceID) is { } destination
            ? destination
            : instance;

    private static string? VirtualAddress(NodeService service)
        => service.TaggedAddresses.TryGetValue(VirtualTaggedAddress, out var address) && address.Address.Length > 0 ? address.Address : null;
}
