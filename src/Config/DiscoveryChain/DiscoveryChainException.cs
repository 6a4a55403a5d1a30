namespace Mesh.Config.DiscoveryChain;

/// <summary>A chain that cannot be compiled (inconsistent protocols, unknown subset, a cycle, ...), with Consul's message.</summary>
public sealed class DiscoveryChainException : Exception
{
    public DiscoveryChainException(string message)
        : base(message)
    {
    }

    public DiscoveryChainException()
    {
    }

    public DiscoveryChainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
