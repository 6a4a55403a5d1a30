namespace Mesh.Agent.Dataplane;

/// <summary>What <c>mesh dataplane</c> runs with (consul-dataplane's flags of the same names).</summary>
public sealed record DataplaneOptions
{
    /// <summary>The <c>-addresses</c> value: a list of hosts (optionally <c>host:port</c>) or <c>exec=&lt;command&gt;</c>.</summary>
    public required string Addresses { get; init; }

    public int GrpcPort { get; init; } = 8502;

    public required string ProxyId { get; init; }

    public string NodeName { get; init; } = string.Empty;

    public string NodeId { get; init; } = string.Empty;

    public string Token { get; init; } = string.Empty;

    public bool TlsDisabled { get; init; }

    /// <summary>PEM file of the CAs the servers' certificates must chain to (<c>-ca-certs</c>); empty: the system's.</summary>
    public string CaCertsFile { get; init; } = string.Empty;

    public string TlsServerName { get; init; } = string.Empty;

    public int EnvoyAdminBindPort { get; init; } = 19000;

    public string XdsBindAddress { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int XdsBindPort { get; init; }

    public bool BootstrapOnly { get; init; }

    /// <summary>How long to wait before trying the servers again when none qualified.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);
}
