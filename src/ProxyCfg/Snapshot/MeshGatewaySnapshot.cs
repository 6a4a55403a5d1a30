using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;

namespace Mesh.ProxyCfg;

/// <summary>
/// The mesh-gateway part of a snapshot (Consul's <c>configSnapshotMeshGateway</c>): the local datacenter's services
/// that have Connect-capable instances, each with its resolver's subsets, and the mesh gateways of every other
/// datacenter the store knows, which the gateway forwards to by SNI without terminating TLS.
/// </summary>
public sealed record MeshGatewaySnapshot
{
    /// <summary>Local services with at least one Connect-capable instance, by name (Consul's <c>ServiceGroups</c>).</summary>
    public required ImmutableArray<MeshGatewayServiceSnapshot> Services { get; init; }

    /// <summary>Other datacenters that have mesh gateways, by name (Consul's <c>GatewayGroups</c>).</summary>
    public required ImmutableArray<RemoteGatewaysSnapshot> Datacenters { get; init; }
}

/// <summary>
/// A local service the gateway routes to: its resolver's connect timeout and load balancer, and one group of
/// instances per cluster (the service itself first, then each resolver subset by name).
/// </summary>
public sealed record MeshGatewayServiceSnapshot(
    string Name, TimeSpan ConnectTimeout, LoadBalancer? LoadBalancer, ImmutableArray<MeshGatewaySubsetSnapshot> Subsets);

/// <summary>One cluster of a service: the subset name (empty for the whole service), OnlyPassing and its instances.</summary>
public sealed record MeshGatewaySubsetSnapshot(string Subset, bool OnlyPassing, ImmutableArray<UpstreamEndpoint> Endpoints);

/// <summary>The mesh gateways of another datacenter, each at its WAN address (tagged <c>wan</c>, else its own address).</summary>
public sealed record RemoteGatewaysSnapshot(string Datacenter, ImmutableArray<UpstreamEndpoint> Gateways);
