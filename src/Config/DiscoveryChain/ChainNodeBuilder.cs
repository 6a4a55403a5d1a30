using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.DiscoveryChain;

/// <summary>A graph node while the chain is being compiled (its splits are rewritten when splitters are flattened).</summary>
internal sealed class ChainNodeBuilder(string type, string name)
{
    public string Type { get; } = type;

    public string Name { get; } = name;

    /// <summary>The node's key in <see cref="CompiledDiscoveryChain.Nodes"/>: <c>type:name</c>.</summary>
    public string Key => Type + ":" + Name;

    public List<DiscoveryRoute> Routes { get; } = [];

    public List<DiscoverySplit> Splits { get; } = [];

    public DiscoveryResolver? Resolver { get; set; }

    public LoadBalancer? LoadBalancer { get; set; }

    public IEnumerable<string> NextNodes()
        => Routes.Select(route => route.NextNode).Concat(Splits.Select(split => split.NextNode));

    public DiscoveryGraphNode Build() => new()
    {
        Type = Type,
        Name = Name,
        Routes = [.. Routes],
        Splits = [.. Splits],
        Resolver = Resolver,
        LoadBalancer = LoadBalancer,
    };
}
