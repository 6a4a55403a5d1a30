namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// Consul's <c>CompileRequest</c>: the service whose chain to compile, where to evaluate it, and the upstream's
/// overrides (empty = none). Overrides that change the result set <see cref="CompiledDiscoveryChain.CustomizationHash"/>.
/// </summary>
public sealed record CompileRequest
{
    public required string ServiceName { get; init; }

    public string EvaluateInNamespace { get; init; } = "default";

    public string EvaluateInPartition { get; init; } = "default";

    public required string EvaluateInDatacenter { get; init; }

    /// <summary>Empty: use the CA's trust domain from the store.</summary>
    public string EvaluateInTrustDomain { get; init; } = string.Empty;

    public string OverrideMeshGateway { get; init; } = string.Empty;

    public string OverrideProtocol { get; init; } = string.Empty;

    public TimeSpan OverrideConnectTimeout { get; init; }
}
