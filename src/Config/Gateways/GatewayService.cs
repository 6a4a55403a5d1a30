namespace Mesh.Config.Gateways;

/// <summary>
/// Consul's <c>structs.GatewayService</c>: one service a gateway links to, as the ingress or terminating gateway config
/// entry declares it (a wildcard entry expands to every typical service, marked <see cref="FromWildcard"/>).
/// </summary>
public sealed record GatewayService
{
    public required string Gateway { get; init; }

    public required string Service { get; init; }

    /// <summary><c>ingress-gateway</c> or <c>terminating-gateway</c>.</summary>
    public required string GatewayKind { get; init; }

    /// <summary>Ingress: the listener port.</summary>
    public int Port { get; init; }

    /// <summary>Ingress: the listener protocol.</summary>
    public string Protocol { get; init; } = string.Empty;

    /// <summary>Ingress: the service's configured Hosts.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    public string CaFile { get; init; } = string.Empty;

    public string CertFile { get; init; } = string.Empty;

    public string KeyFile { get; init; } = string.Empty;

    public string Sni { get; init; } = string.Empty;

    public bool FromWildcard { get; init; }

    /// <summary>Terminating gateways: <c>service</c> (a catalog service; <c>destination</c> is not supported yet).</summary>
    public string ServiceKind { get; init; } = string.Empty;

    /// <summary>The gateway config entry's indexes: the link is derived from it.</summary>
    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }
}
