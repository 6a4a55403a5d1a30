using System.Collections.Immutable;
using Mesh.Fsm.State;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// Compiles a service's discovery chain from the config entries in one store snapshot (Consul's
/// <c>discoverychain.Compile</c>). Pure: same state and request, same chain.
/// </summary>
public static class DiscoveryChainCompiler
{
    /// <summary>The <c>TaggedAddresses</c> key of an operator-assigned virtual IP.</summary>
    public const string VirtualAddressTag = "virtual";

    /// <exception cref="DiscoveryChainException">The entries do not form a valid chain.</exception>
    public static CompiledDiscoveryChain Compile(StoreState state, CompileRequest request)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.ServiceName))
        {
            throw new DiscoveryChainException("serviceName is required");
        }

        var trustDomain = request.EvaluateInTrustDomain.Length > 0 ? request.EvaluateInTrustDomain : state.Ca?.TrustDomain ?? string.Empty;
        var chain = new ChainCompilation(new ChainEntries(state), request, trustDomain).Run();
        var virtualIps = state.ServicesNamed(request.ServiceName)
            .Select(pair => pair.Service.TaggedAddresses.GetValueOrDefault(VirtualAddressTag)?.Address)
            .OfType<string>()
            .Where(address => address.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToImmutableArray();
        return virtualIps.IsEmpty ? chain : chain with { ManualVirtualIPs = virtualIps };
    }
}
