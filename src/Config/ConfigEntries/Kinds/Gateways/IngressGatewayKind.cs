using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// <c>ingress-gateway</c>: listeners by port with the services each exposes. Writes need mesh:write; reads need
/// service:read on the gateway's name (Consul's <c>CanRead</c>/<c>CanWrite</c>).
/// </summary>
public sealed class IngressGatewayKind : ConfigEntryKind<IngressGatewayEntry>
{
    public const string KindName = "ingress-gateway";

    private static readonly string[] Protocols = ["tcp", "http", "http2", "grpc"];

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    public override AclResource ReadResource => AclResource.Service;

    protected override IngressGatewayEntry Normalize(IngressGatewayEntry entry) => entry with
    {
        Tls = entry.Tls ?? new(),
        Listeners = entry.Listeners?.Select(listener => listener with
        {
            Protocol = string.IsNullOrEmpty(listener.Protocol) ? "tcp" : listener.Protocol.ToLowerInvariant(),
        }).ToList(),
    };

    protected override void Validate(IngressGatewayEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        ConfigMeta.Validate(entry.Meta);
        var gatewayTls = entry.Tls ?? new();
        GatewayTlsValidation.Validate(gatewayTls.TlsMinVersion, gatewayTls.TlsMaxVersion, gatewayTls.CipherSuites);
        ValidatePassiveHealthCheck(entry.Defaults?.PassiveHealthCheck);
        var ports = new HashSet<int>();
        foreach (var listener in entry.Listeners ?? [])
        {
            ValidateListener(gatewayTls, listener, ports);
            foreach (var service in listener.Services ?? [])
            {
                ValidatePassiveHealthCheck(service.PassiveHealthCheck);
            }
        }
    }

    /// <summary>Its durations must be Go durations (Consul's decoder refuses anything else).</summary>
    private static void ValidatePassiveHealthCheck(PassiveHealthCheck? check)
    {
        foreach (var (field, value) in new[] { ("Interval", check?.Interval), ("BaseEjectionTime", check?.BaseEjectionTime) })
        {
            if (!string.IsNullOrEmpty(value) && !Mesh.Config.Durations.GoDuration.TryParse(value, out _))
            {
                throw Fail($"PassiveHealthCheck.{field}: time: invalid duration \"{value}\"");
            }
        }
    }

    protected override IngressGatewayEntry WithoutEnvelope(IngressGatewayEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };

    private static void ValidateListener(GatewayTlsConfig gatewayTls, IngressListener listener, HashSet<int> ports)
    {
        var port = listener.Port;
        if (!ports.Add(port))
        {
            throw Fail($"port {port} declared on two listeners");
        }

        if (!Protocols.Contains(listener.Protocol))
        {
            throw Fail($"protocol must be 'tcp', 'http', 'http2', or 'grpc'. '{listener.Protocol}' is an unsupported protocol");
        }

        var services = listener.Services ?? [];
        if (services.Count == 0)
        {
            throw Fail($"No service declared for listener with port {port}");
        }

        var httpLike = listener.Protocol != "tcp";
        if (!httpLike && services.Count > 1)
        {
            throw Fail($"Multiple services per listener are only supported for L7 protocols, 'http', 'grpc' and 'http2' (listener on port {port})");
        }

        if (listener.Tls is { } tls)
        {
            GatewayTlsValidation.Validate(tls.TlsMinVersion, tls.TlsMaxVersion, tls.CipherSuites);
        }

        var hosts = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            ValidateService(gatewayTls, listener, service, hosts, names);
        }
    }

    private static void ValidateService(GatewayTlsConfig gatewayTls, IngressListener listener, IngressService service, HashSet<string> hosts, HashSet<string> names)
    {
        var port = listener.Port;
        var name = service.Name ?? string.Empty;
        var serviceHosts = service.Hosts ?? [];
        if (listener.Protocol == "tcp" && (service.RequestHeaders is not null || service.ResponseHeaders is not null))
        {
            var which = service.RequestHeaders is not null ? "request" : "response";
            throw Fail($"{which} headers only valid for http, http2 and grpc protocols (service \"{name}\" on listener on port {port})");
        }

        if (listener.Protocol == "tcp")
        {
            if (name == "*")
            {
                throw Fail($"Wildcard service name is only valid for protocol = 'http' (listener on port {port})");
            }

            if (serviceHosts.Count != 0)
            {
                throw Fail($"Associating hosts to a service is not supported for the {listener.Protocol} protocol (listener on port {port})");
            }
        }

        if (name.Length == 0)
        {
            throw Fail($"Service name cannot be blank (listener on port {port})");
        }

        if (name == "*" && serviceHosts.Count != 0)
        {
            throw Fail($"Associating hosts to a wildcard service is not supported (listener on port {port})");
        }

        if (!names.Add(name))
        {
            throw Fail($"Service {name} cannot be added multiple times (listener on port {port})");
        }

        ValidateServiceSds(gatewayTls, listener, service);
        foreach (var host in serviceHosts)
        {
            if (!hosts.Add(host))
            {
                throw Fail($"Hosts must be unique within a specific listener (listener on port {port})");
            }

            ValidateHost(gatewayTls.Enabled, host);
        }
    }

    /// <summary>Consul's <c>validateServiceSDS</c>: SDS settings inherited gateway → listener → service must be complete.</summary>
    private static void ValidateServiceSds(GatewayTlsConfig gatewayTls, IngressListener listener, IngressService service)
    {
        var port = listener.Port;
        var gatewaySds = gatewayTls.Sds;
        if (gatewaySds is not null && string.IsNullOrEmpty(gatewaySds.ClusterName) && !string.IsNullOrEmpty(gatewaySds.CertResource))
        {
            throw Fail("TLS.SDS.ClusterName is required if CertResource is set");
        }

        var gatewayCluster = !string.IsNullOrEmpty(gatewaySds?.ClusterName);
        var gatewayCert = !string.IsNullOrEmpty(gatewaySds?.CertResource);
        var listenerCert = !string.IsNullOrEmpty(listener.Tls?.Sds?.CertResource);
        var listenerCluster = !string.IsNullOrEmpty(listener.Tls?.Sds?.ClusterName);
        if (gatewayCluster && !gatewayCert && !listenerCert)
        {
            throw Fail($"TLS.SDS.CertResource is required if ClusterName is set for gateway (listener on port {port})");
        }

        if (listenerCluster && !listenerCert)
        {
            throw Fail($"TLS.SDS.CertResource is required if ClusterName is set for listener (listener on port {port})");
        }

        if (listenerCert && !listenerCluster && !gatewayCluster)
        {
            throw Fail($"TLS.SDS.ClusterName is required if CertResource is set (listener on port {port})");
        }

        var serviceSds = service.Tls?.Sds;
        if (string.IsNullOrEmpty(serviceSds?.CertResource))
        {
            return;
        }

        if (service.Hosts is not { Count: > 0 })
        {
            throw Fail($"A service specifying TLS.SDS.CertResource must have at least one item in Hosts (service \"{service.Name}\" on listener on port {port})");
        }

        if (string.IsNullOrEmpty(serviceSds.ClusterName) && !listenerCluster && !gatewayCluster)
        {
            throw Fail($"TLS.SDS.ClusterName is required if CertResource is set (service \"{service.Name}\" on listener on port {port})");
        }
    }

    private static void ValidateHost(bool tlsEnabled, string host)
    {
        if (host == "*")
        {
            if (tlsEnabled)
            {
                throw Fail("Host '*' is not allowed when TLS is enabled, all hosts must be valid DNS records to add as a DNSSAN");
            }

            return;
        }

        if (!DomainName.IsValid(host))
        {
            throw Fail($"Host \"{host}\" must be a valid DNS hostname");
        }

        if ((host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host).Contains('*', StringComparison.Ordinal))
        {
            throw Fail($"Host \"{host}\" is not valid, a wildcard specifier is only allowed as the leftmost label");
        }
    }
}
