using Mesh.Fsm.Model;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// Terminating gateway scenarios after Consul's <c>testing_terminating_gateway.go</c> fixtures: gateway service
/// <c>terminating-gateway</c> at 1.2.3.4:8443 (wan 198.18.0.1:443), its config entry linking web, api, db and cache,
/// and their instances (IP addresses in 127.0.0.0/8 where Consul's are 10.x, hostnames as Consul's), all written as
/// store commands. Each linked service gets its own leaf (the fixed test leaf, named for the service).
/// </summary>
internal static class TerminatingScenarios
{
    public static readonly ProxyId Gateway = new("node-terminating", "terminating-gateway");

    private const string FullEntry = """
        {"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[
          {"Name":"web","CAFile":"ca.cert.pem"},
          {"Name":"api","CAFile":"ca.cert.pem","CertFile":"api.cert.pem","KeyFile":"api.key.pem"},
          {"Name":"db"},
          {"Name":"cache"}]}
        """;

    public static IReadOnlyDictionary<string, Action<MeshFixture>> All { get; } = new SortedDictionary<string, Action<MeshFixture>>(StringComparer.Ordinal)
    {
        ["terminating-gateway"] = Full,

        // proxy-defaults AccessLogs to a file in a text format, listener logs off: only the chains' filters log.
        ["terminating-gateway-access-logs"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","AccessLogs":{"Enabled":true,"DisableListenerLogs":true,"Type":"file","Path":"/var/log/envoy/access.log","TextFormat":"[%START_TIME%] %UPSTREAM_CLUSTER%"}}""");
            Full(f);
        },
        ["terminating-gateway-no-services"] = f =>
        {
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"terminating-gateway","Name":"terminating-gateway"}""");
        },
        ["terminating-gateway-service-subsets"] = f =>
        {
            Full(f);
            f.ConfigEntry("""
                {"Kind":"service-resolver","Name":"web","Subsets":{
                  "v1":{"Filter":"Service.Meta.version == 1"},
                  "v2":{"Filter":"Service.Meta.version == 2","OnlyPassing":true}}}
                """);
            f.ConfigEntry("""{"Kind":"service-resolver","Name":"cache","Subsets":{"prod":{"Filter":"Service.Meta.Env == prod"}}}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        },
        ["terminating-gateway-hostname-service-subsets"] = f =>
        {
            Full(f);
            f.ConfigEntry("""{"Kind":"service-resolver","Name":"api","Subsets":{"alt":{"Filter":"Service.Meta.domain == alt"}}}""");
            f.ConfigEntry("""{"Kind":"service-resolver","Name":"cache","Subsets":{"prod":{"Filter":"Service.Meta.Env == prod"}}}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"api","Protocol":"http"}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"cache","Protocol":"http"}""");
        },
        ["terminating-gateway-http2-upstream"] = f =>
        {
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"terminating-gateway","Name":"terminating-gateway","Services":[{"Name":"web","CAFile":"ca.cert.pem"}]}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http2"}""");

            // No service address: the node's (a hostname) is used, with the service port.
            f.Register("web-external", "web.external.service", new NodeService { Id = "web", Service = "web", Port = 9090 });

            // Consul's fixture gives the gateway no leaf (and no intentions) for web yet.
            f.ServiceLeaf = _ => null;
        },
        ["terminating-gateway-lb-config"] = f =>
        {
            Full(f);
            f.ConfigEntry("""
                {"Kind":"service-resolver","Name":"web","DefaultSubset":"v2","RequestTimeout":"200ms",
                 "Subsets":{"v1":{"Filter":"Service.Meta.Version == 1"},"v2":{"Filter":"Service.Meta.Version == 2","OnlyPassing":true}},
                 "LoadBalancer":{"Policy":"ring_hash","RingHashConfig":{"MinimumRingSize":20,"MaximumRingSize":50},
                   "HashPolicies":[
                     {"Field":"cookie","FieldValue":"chocolate-chip","Terminal":true},
                     {"Field":"header","FieldValue":"x-user-id"},
                     {"SourceIP":true,"Terminal":true}]}}
                """);
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        },
    };

    /// <summary>The gateway service on its own node; the snapshot is the gateway's, with a leaf for every linked service.</summary>
    public static void RegisterGateway(MeshFixture f)
    {
        f.Register(Gateway.NodeName, "127.0.0.30", new NodeService
        {
            Kind = ServiceKind.TerminatingGateway,
            Id = Gateway.ServiceId,
            Service = "terminating-gateway",
            Address = "1.2.3.4",
            Port = 8443,
            TaggedAddresses = new Dictionary<string, ServiceAddress> { ["wan"] = new() { Address = "198.18.0.1", Port = 443 } },
        });
        f.SnapshotProxy = Gateway;
        f.ServiceLeaf = LeafFor;
    }

    /// <summary>The fixed test leaf, named for <paramref name="service"/>.</summary>
    public static Mesh.Ca.Leaves.IssuedLeaf LeafFor(string service) => MeshFixture.Leaf with
    {
        Service = service,
        ServiceUri = $"spiffe://{MeshFixture.TrustDomain}/ns/default/dc/{MeshFixture.Datacenter}/svc/{service}",
    };

    /// <summary>Consul's full fixture: web on IPs, api mixing hostnames and an IP, db and cache on hostnames.</summary>
    private static void Full(MeshFixture f)
    {
        RegisterGateway(f);
        f.ConfigEntry(FullEntry);
        Instance(f, "web", "web-1", "127.10.1.1", "", 8080, meta: ("version", "1"));
        Instance(f, "web", "web-2", "127.10.1.2", "", 8080, meta: ("version", "2"));
        Instance(f, "api", "api-1", "127.10.1.1", "api.mydomain", 8081, critical: true);
        Instance(f, "api", "api-2", "127.10.1.2", "api.altdomain", 8081, meta: ("domain", "alt"));
        Instance(f, "api", "api-3", "127.10.1.3", "127.10.1.3", 8081);
        Instance(f, "api", "api-4", "127.10.1.3", "api.thirddomain", 8081);
        Instance(f, "db", "db-1", "127.10.1.4", "db.mydomain", 8081, critical: true);
        Instance(f, "cache", "cache-1", "127.10.1.5", "cache.mydomain", 8081);
        Instance(f, "cache", "cache-2", "127.10.1.6", "cache.mydomain", 8081, critical: true, meta: ("Env", "prod"));
    }

    private static void Instance(
        MeshFixture f, string service, string node, string nodeAddress, string address, int port, bool critical = false, (string Key, string Value)? meta = null)
    {
        var metadata = meta is { } pair ? new Dictionary<string, string> { [pair.Key] = pair.Value } : new Dictionary<string, string>();
        f.Register(node, nodeAddress, new NodeService { Id = service, Service = service, Address = address, Port = port, Meta = metadata },
            new HealthCheck { CheckId = "service:" + service, Name = "app", Status = critical ? HealthStatus.Critical : HealthStatus.Passing });
    }
}
