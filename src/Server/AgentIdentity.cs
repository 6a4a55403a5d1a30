using System.Net;

namespace Mesh.Server;

/// <summary>
/// Who this server is as a catalog node. In this agentless design the <c>/v1/agent/*</c> endpoints act on this node.
/// </summary>
public sealed record AgentIdentity
{
    private readonly string? _advertiseWanAddress;

    public required string NodeName { get; init; }

    public required string NodeId { get; init; }

    public required string Datacenter { get; init; }

    /// <summary>The address other machines reach this server at (Consul's advertise address).</summary>
    public required string AdvertiseAddress { get; init; }

    /// <summary>The address reported to WAN clients (Consul's <c>advertise_addr_wan</c>); the advertise address unless set.</summary>
    public string AdvertiseWanAddress
    {
        get => _advertiseWanAddress ?? AdvertiseAddress;
        init => _advertiseWanAddress = value;
    }

    public required IPEndPoint ServerEndPoint { get; init; }

    /// <summary>The DNS domain (Consul's <c>domain</c>, without the final dot): an ingress gateway's leaf names use it.</summary>
    public string Domain { get; init; } = "consul";

    public int HttpPort { get; init; } = 8500;

    public int GrpcPort { get; init; } = 8502;

    /// <summary>The TLS gRPC port (<c>ports.grpc_tls</c>), or -1 when off.</summary>
    public int GrpcTlsPort { get; init; } = -1;

    public bool DevMode { get; init; }

    /// <summary>Started with <c>-bootstrap</c>, <c>-bootstrap-expect=1</c> or <c>-dev</c> (the member's <c>bootstrap</c> tag).</summary>
    public bool Bootstrap { get; init; }

    /// <summary>Addresses the HTTP and gRPC APIs bind to (<c>client_addr</c>).</summary>
    public IReadOnlyList<string> ClientAddresses { get; init; } = ["127.0.0.1"];

    /// <summary>The HTTPS API port (<c>ports.https</c>), or -1 when off.</summary>
    public int HttpsPort { get; init; } = -1;

    public string Version { get; init; } = MeshVersion.Current;

    /// <summary>First port of the automatic sidecar port range (Consul's <c>sidecar_min_port</c>).</summary>
    public int SidecarMinPort { get; init; } = 21000;

    /// <summary>Last port of the automatic sidecar port range (Consul's <c>sidecar_max_port</c>).</summary>
    public int SidecarMaxPort { get; init; } = 21255;

    /// <summary>
    /// Consul's <c>default_intention_policy</c> ("allow" or "deny") for connections no intention matches; null when
    /// not configured, and then the ACL default decides, which is allow while ACLs are disabled.
    /// </summary>
    public string? DefaultIntentionPolicy { get; init; }

    /// <summary>Consul's <c>enable_script_checks</c>: script checks may be registered through the HTTP API and config files.</summary>
    public bool EnableRemoteScriptChecks { get; init; }

    /// <summary>Consul's <c>enable_local_script_checks</c>: script checks only from the agent's config files.</summary>
    public bool EnableLocalScriptChecks { get; init; }

    public bool DefaultIntentionAllow => DefaultIntentionPolicy is null or "" or "allow";

    public bool IsLocalDatacenter(string? datacenter)
        => string.IsNullOrEmpty(datacenter) || string.Equals(datacenter, Datacenter, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The version reported by <c>mesh version</c> and <c>/v1/agent/self</c>.</summary>
public static class MeshVersion
{
    public const string Current = "0.1.0";

    /// <summary>The Consul version whose API this build follows, for clients that check it.</summary>
    public const string ConsulCompatible = "1.20.0";
}
