using System.Collections.Immutable;
using Mesh.Fsm.State;

namespace Mesh.Api.DiscoveryChain;

/// <summary>
/// Compiles a service's discovery chain from the config entries in one store snapshot (Consul's
/// <c>discoverychain.Compile</c>). Pure: same state and request, same chain.
/// </summary>
public static class DiscoveryChainCompiler
{
    /// <exception cref="DiscoveryChainException">The entries do not form a valid chain.</exception>
    public static CompiledDiscoveryChain Compile(StoreState state, CompileRequest request)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);

        // TODO(H1): routers, splitters, resolvers, protocol from service-defaults/proxy-defaults, overrides.
        var trustDomain = request.EvaluateInTrustDomain.Length > 0 ? request.EvaluateInTrustDomain : state.Ca?.TrustDomain ?? string.Empty;
        var targetId = $"{request.ServiceName}.{request.EvaluateInNamespace}.{request.EvaluateInPartition}.{request.EvaluateInDatacenter}";
        var sni = $"{request.ServiceName}.{request.EvaluateInNamespace}.{request.EvaluateInDatacenter}.internal.{trustDomain}";
        var target = new DiscoveryTarget
        {
            Id = targetId,
            Service = request.ServiceName,
            Namespace = request.EvaluateInNamespace,
            Partition = request.EvaluateInPartition,
            Datacenter = request.EvaluateInDatacenter,
            Sni = sni,
            Name = sni,
        };
        var node = new DiscoveryGraphNode
        {
            Type = DiscoveryGraphNodeType.Resolver,
            Name = targetId,
            Resolver = new DiscoveryResolver { Default = true, Target = targetId },
        };
        return new CompiledDiscoveryChain
        {
            ServiceName = request.ServiceName,
            Namespace = request.EvaluateInNamespace,
            Partition = request.EvaluateInPartition,
            Datacenter = request.EvaluateInDatacenter,
            Default = true,
            StartNode = "resolver:" + targetId,
            Nodes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("resolver:" + targetId, node)]),
            Targets = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(targetId, target)]),
        };
    }
}
