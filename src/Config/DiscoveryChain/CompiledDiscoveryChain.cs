using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// Consul's <c>structs.CompiledDiscoveryChain</c>: the graph of router, splitter and resolver nodes an upstream's traffic
/// follows, and the targets (service, subset, datacenter) at its leaves. Immutable and value-comparable so proxycfg can
/// tell whether a recompiled chain changed. Node keys are <c>"&lt;type&gt;:&lt;name&gt;"</c>; target keys are target IDs.
/// </summary>
public sealed record CompiledDiscoveryChain
{
    public required string ServiceName { get; init; }

    public string Namespace { get; init; } = "default";

    public string Partition { get; init; } = "default";

    public required string Datacenter { get; init; }

    /// <summary>First 8 hex chars of a hash of the overrides that changed something; empty otherwise.</summary>
    public string CustomizationHash { get; init; } = string.Empty;

    /// <summary>True iff the chain is just the default resolver of its own service (no config entries shaped it).</summary>
    public bool Default { get; init; }

    /// <summary><c>tcp</c>, <c>http</c>, <c>http2</c> or <c>grpc</c>.</summary>
    public string Protocol { get; init; } = "tcp";

    public ImmutableSortedDictionary<string, string> ServiceMeta { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public required string StartNode { get; init; }

    public required ImmutableSortedDictionary<string, DiscoveryGraphNode> Nodes { get; init; }

    public required ImmutableSortedDictionary<string, DiscoveryTarget> Targets { get; init; }

    /// <summary>Virtual IPs set by operators (the <c>virtual</c> tagged address of the service's instances).</summary>
    public ImmutableArray<string> ManualVirtualIPs { get; init; } = [];

    public bool Equals(CompiledDiscoveryChain? other)
        => other is not null
           && ServiceName == other.ServiceName && Namespace == other.Namespace && Partition == other.Partition
           && Datacenter == other.Datacenter && CustomizationHash == other.CustomizationHash && Default == other.Default
           && Protocol == other.Protocol && StartNode == other.StartNode
           && ServiceMeta.SequenceEqual(other.ServiceMeta) && Nodes.SequenceEqual(other.Nodes)
           && Targets.SequenceEqual(other.Targets) && ManualVirtualIPs.SequenceEqual(other.ManualVirtualIPs);

    public override int GetHashCode() => HashCode.Combine(ServiceName, Datacenter, StartNode, Nodes.Count, Targets.Count);
}

/// <summary>Node types of a compiled chain.</summary>
public static class DiscoveryGraphNodeType
{
    public const string Router = "router";
    public const string Splitter = "splitter";
    public const string Resolver = "resolver";
}

/// <summary><c>structs.DiscoveryGraphNode</c>: exactly one of Routes, Splits or Resolver is set, by <see cref="Type"/>.</summary>
public sealed record DiscoveryGraphNode
{
    public required string Type { get; init; }

    public required string Name { get; init; }

    public ImmutableArray<DiscoveryRoute> Routes { get; init; } = [];

    public ImmutableArray<DiscoverySplit> Splits { get; init; } = [];

    public DiscoveryResolver? Resolver { get; init; }

    /// <summary>The resolver's (or, for a splitter, its resolvers' common hashing) load balancer; null for Envoy's default.</summary>
    public LoadBalancer? LoadBalancer { get; init; }

    public bool Equals(DiscoveryGraphNode? other)
        => other is not null && Type == other.Type && Name == other.Name && Routes.SequenceEqual(other.Routes)
           && Splits.SequenceEqual(other.Splits) && Equals(Resolver, other.Resolver)
           && JsonEquality.Same(LoadBalancer, other.LoadBalancer);

    public override int GetHashCode() => HashCode.Combine(Type, Name);
}

/// <summary>A router's route: its definition from the service-router entry and the node it leads to.</summary>
public sealed record DiscoveryRoute(ServiceRoute Definition, string NextNode)
{
    public bool Equals(DiscoveryRoute? other)
        => other is not null && NextNode == other.NextNode && JsonEquality.Same(Definition, other.Definition);

    public override int GetHashCode() => NextNode.GetHashCode(StringComparison.Ordinal);
}

/// <summary>A splitter's split: its definition, its weight and the node it leads to.</summary>
public sealed record DiscoverySplit(ServiceSplit Definition, double Weight, string NextNode)
{
    public bool Equals(DiscoverySplit? other)
        => other is not null && Weight.Equals(other.Weight) && NextNode == other.NextNode && JsonEquality.Same(Definition, other.Definition);

    public override int GetHashCode() => HashCode.Combine(Weight, NextNode);
}

/// <summary><c>structs.DiscoveryResolver</c>.</summary>
public sealed record DiscoveryResolver
{
    /// <summary>True when no service-resolver entry exists for the target's service.</summary>
    public bool Default { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RequestTimeout { get; init; }

    /// <summary>The target ID this resolver resolves to.</summary>
    public required string Target { get; init; }

    public DiscoveryFailover? Failover { get; init; }
}

/// <summary><c>structs.DiscoveryFailover</c>: target IDs tried in order when the primary has no healthy endpoints.</summary>
public sealed record DiscoveryFailover
{
    public ImmutableArray<string> Targets { get; init; } = [];

    /// <summary>The failover's policy (<c>default</c>, <c>order-by-locality</c>); null when none is set.</summary>
    public ServiceResolverFailoverPolicy? Policy { get; init; }

    public bool Equals(DiscoveryFailover? other)
        => other is not null && Targets.SequenceEqual(other.Targets) && Policy?.Mode == other.Policy?.Mode;

    public override int GetHashCode() => Targets.Length;
}

/// <summary>
/// <c>structs.DiscoveryTarget</c>: one (service, subset, namespace, partition, datacenter) the chain can send to. xDS
/// names the upstream cluster and its EDS resource by <see cref="Sni"/> (= <see cref="Name"/>).
/// </summary>
public sealed record DiscoveryTarget
{
    /// <summary><c>[subset.]service.namespace.partition.datacenter</c>.</summary>
    public required string Id { get; init; }

    public required string Service { get; init; }

    public string ServiceSubset { get; init; } = string.Empty;

    public string Namespace { get; init; } = "default";

    public string Partition { get; init; } = "default";

    public required string Datacenter { get; init; }

    public string Peer { get; init; } = string.Empty;

    /// <summary>Mesh gateway mode (<c>""</c>, <c>none</c>, <c>local</c>, <c>remote</c>).</summary>
    public string MeshGatewayMode { get; init; } = string.Empty;

    /// <summary>The subset's filter (bexpr over the instance) and whether only passing instances count.</summary>
    public ServiceResolverSubset Subset { get; init; } = new();

    /// <summary>Whether the target is dialed directly in transparent mode (service-defaults, else proxy-defaults).</summary>
    public TransparentProxyConfig TransparentProxy { get; init; } = new();

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Set when service-defaults gives an ExternalSNI (a service behind a terminating gateway).</summary>
    public bool External { get; init; }

    /// <summary><c>[subset.]service.namespace.datacenter.internal.trustdomain</c>.</summary>
    public required string Sni { get; init; }

    /// <summary>The cluster name; equals <see cref="Sni"/> (Consul keeps both).</summary>
    public required string Name { get; init; }
}
