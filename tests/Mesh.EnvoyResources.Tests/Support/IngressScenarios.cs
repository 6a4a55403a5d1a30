using Mesh.Fsm.Model;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// Ingress gateway scenarios after Consul's <c>testing_ingress_gateway.go</c> fixtures: gateway service
/// <c>ingress-gateway</c> (kind ingress-gateway) at 1.2.3.4:9999, its config entry, and the exposed services'
/// instances (addresses in 127.0.0.0/8, as in the sidecar scenarios), all written as store commands.
/// </summary>
internal static class IngressScenarios
{
    public static readonly ProxyId Gateway = new("node-ingress", "ingress-gateway");

    public static IReadOnlyDictionary<string, Action<MeshFixture>> All { get; } = new SortedDictionary<string, Action<MeshFixture>>(StringComparer.Ordinal)
    {
        ["ingress-gateway"] = f =>
        {
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]}]}""");
            Db(f);
        },
        ["ingress-gateway-bind-addrs"] = f =>
        {
            RegisterGateway(f, new NodeService
            {
                Kind = ServiceKind.IngressGateway,
                Id = Gateway.ServiceId,
                Service = "ingress-gateway",
                Address = "1.2.3.4",
                Port = 9999,
                TaggedAddresses = new Dictionary<string, ServiceAddress>
                {
                    ["lan"] = new() { Address = "10.0.0.1", Port = 9999 },
                    ["wan"] = new() { Address = "172.16.0.1", Port = 9999 },
                },
                Proxy = new ConnectProxyConfig
                {
                    Config = new JsonBlob("""
                        {"envoy_gateway_no_default_bind":true,"envoy_gateway_bind_tagged_addresses":true,
                         "envoy_gateway_bind_addresses":{"foo":{"address":"8.8.8.8"}}}
                        """),
                },
            });
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]}]}""");
            Db(f);
        },
        ["ingress-gateway-no-services"] = f =>
        {
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway"}""");
        },
        ["ingress-with-tls-listener"] = f =>
        {
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","TLS":{"Enabled":true},"Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]}]}""");
            Db(f);
        },
        ["ingress-with-chain-and-failover"] = f =>
        {
            ChainScenarios.Failover(f);
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]}]}""");
        },
        ["ingress-with-chain-and-router"] = f =>
        {
            // Consul's chain-and-router fixture compiles db's chain with a 33s connect timeout.
            f.ConfigEntry("""{"Kind":"service-resolver","Name":"db","ConnectTimeout":"33s"}""");
            ChainScenarios.Router(f);
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"db"}]}]}""");
        },
        ["ingress-http-multiple-services"] = f =>
        {
            MultipleServices(f, "http");
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[{"Name":"foo","Hosts":["test1.example.com","test2.example.com","test2.example.com:8080"]},{"Name":"bar"}]},
                  {"Port":443,"Protocol":"http","Services":[{"Name":"baz"},{"Name":"qux"}]}]}
                """);
        },
        ["ingress-grpc-multiple-services"] = f =>
        {
            MultipleServices(f, "grpc");
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
                  {"Port":8080,"Protocol":"grpc","Services":[{"Name":"foo","Hosts":["test1.example.com","test2.example.com","test2.example.com:8080"]},{"Name":"bar"}]}]}
                """);
        },
        ["ingress-with-tls-mixed-listeners"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
            RegisterGateway(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
                  {"Port":8080,"Protocol":"http","TLS":{"Enabled":true},"Services":[{"Name":"s1"}]},
                  {"Port":9090,"Protocol":"http","Services":[{"Name":"s2"}]}]}
                """);
            foreach (var service in new[] { "s1", "s2" })
            {
                f.RegisterInstance(service, "node-" + service + "-1", "127.10.1.1");
                f.RegisterInstance(service, "node-" + service + "-2", "127.10.1.2");
            }
        },

        // SDS at the gateway level on a TCP listener, with TLS also enabled: the SDS certificate wins over the mesh CA's.
        ["ingress-with-sds-listener-gw-level"] = f =>
        {
            RegisterGateway(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway",
                 "TLS":{"Enabled":true,"SDS":{"ClusterName":"sds-cluster","CertResource":"cert-resource"}},
                 "Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]}]}
                """);
            Db(f);
        },

        // The SDS cluster at the gateway level, each http listener its own certificate (9090 also its own cluster);
        // TLS versions from the gateway, the 8080 listener overriding the maximum.
        ["ingress-with-sds-listener-level"] = f =>
        {
            HttpServices(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway",
                 "TLS":{"SDS":{"ClusterName":"sds-cluster"},"TLSMinVersion":"TLSv1_2"},
                 "Listeners":[
                  {"Port":8080,"Protocol":"http","TLS":{"SDS":{"CertResource":"listener-8080-cert"},"TLSMaxVersion":"TLSv1_3"},"Services":[{"Name":"s1"}]},
                  {"Port":9090,"Protocol":"http","TLS":{"SDS":{"ClusterName":"sds-cluster-2","CertResource":"listener-9090-cert"}},"Services":[{"Name":"s2"}]}]}
                """);
        },

        // Every service on the listener has its own SDS certificate: one chain per service matched by its Hosts, a route
        // per service, no default chain and no default route.
        ["ingress-with-sds-service-level"] = f =>
        {
            HttpServices(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[
                    {"Name":"s1","Hosts":["s1.example.com"],"TLS":{"SDS":{"ClusterName":"sds-cluster-1","CertResource":"s1.example.com-cert"}}},
                    {"Name":"s2","Hosts":["s2.example.com","www.s2.example.com"],"TLS":{"SDS":{"ClusterName":"sds-cluster-2","CertResource":"s2.example.com-cert"}}}]}]}
                """);
        },

        // Mixed: s1 has its own SDS certificate, s2 is served on the default chain with the mesh CA's leaf (TLS enabled).
        ["ingress-with-sds-service-level-mixed-tls"] = f =>
        {
            HttpServices(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","TLS":{"Enabled":true},"Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[
                    {"Name":"s1","Hosts":["s1.example.com"],"TLS":{"SDS":{"ClusterName":"sds-cluster","CertResource":"s1.example.com-cert"}}},
                    {"Name":"s2"}]}]}
                """);
        },

        // Mixed, all SDS: s1's certificate from the gateway's SDS cluster (inherited), s2 on the default chain with the
        // gateway's SDS certificate.
        ["ingress-with-sds-service-level-mixed-sds"] = f =>
        {
            HttpServices(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","TLS":{"SDS":{"ClusterName":"sds-cluster","CertResource":"gateway-cert"}},"Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[
                    {"Name":"s1","Hosts":["s1.example.com"],"TLS":{"SDS":{"CertResource":"s1.example.com-cert"}}},
                    {"Name":"s2"}]}]}
                """);
        },

        // proxy-defaults AccessLogs on a gateway's TCP listener: a listener log (unmatched connections) and a tcp_proxy log.
        ["ingress-gateway-access-logs"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","AccessLogs":{"Enabled":true}}""");
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"tcp","Services":[{"Name":"db"}]}]}""");
            Db(f);
        },

        ["ingress-splitter-with-resolver-redirect"] = f =>
        {
            ChainScenarios.SplitterWithResolverRedirect(f);
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"db"}]}]}""");
        },

        // Per-service header changes on each service's virtual host (s1: request and response; the wildcard's on s2).
        ["ingress-with-header-changes"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
            RegisterGateway(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway","Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[
                    {"Name":"s1","Hosts":["s1.example.com"],
                     "RequestHeaders":{"Add":{"x-b":"2","x-a":"1"},"Set":{"x-set":"on"},"Remove":["x-drop","x-drop-too"]},
                     "ResponseHeaders":{"Add":{"x-served-by":"ingress"},"Set":{"cache-control":"no-store"},"Remove":["server"]}},
                    {"Name":"*","RequestHeaders":{"Set":{"x-wildcard":"yes"}}}]}]}
                """);
            foreach (var service in new[] { "s1", "s2" })
            {
                f.RegisterInstance(service, "node-" + service, "127.10.1.1");
            }
        },

        // Defaults' limits and passive health check on every upstream cluster; s2 overrides two limits and the check's
        // interval and failures; s3 (tcp) takes the defaults.
        ["ingress-with-limits"] = f =>
        {
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"s1","Protocol":"http"}""");
            f.ConfigEntry("""{"Kind":"service-defaults","Name":"s2","Protocol":"http"}""");
            RegisterGateway(f);
            f.ConfigEntry("""
                {"Kind":"ingress-gateway","Name":"ingress-gateway",
                 "Defaults":{"MaxConnections":10,"MaxPendingRequests":20,"MaxConcurrentRequests":30,
                   "PassiveHealthCheck":{"Interval":"5s","MaxFailures":3,"EnforcingConsecutive5xx":80,"MaxEjectionPercent":50,"BaseEjectionTime":"30s"}},
                 "Listeners":[
                  {"Port":8080,"Protocol":"http","Services":[
                    {"Name":"s1"},
                    {"Name":"s2","MaxConnections":100,"MaxConcurrentRequests":300,"PassiveHealthCheck":{"Interval":"10s","MaxFailures":7}}]},
                  {"Port":9090,"Protocol":"tcp","Services":[{"Name":"s3"}]}]}
                """);
            foreach (var service in new[] { "s1", "s2", "s3" })
            {
                f.RegisterInstance(service, "node-" + service, "127.10.1.1");
            }
        },
    };

    /// <summary>The gateway service on its own node, address 1.2.3.4, port 9999; the snapshot is the gateway's.</summary>
    public static void RegisterGateway(MeshFixture f, NodeService? gateway = null)
    {
        f.Register(Gateway.NodeName, "127.0.0.20", gateway ?? new NodeService
        {
            Kind = ServiceKind.IngressGateway,
            Id = Gateway.ServiceId,
            Service = "ingress-gateway",
            Address = "1.2.3.4",
            Port = 9999,
        });
        f.SnapshotProxy = Gateway;
    }

    /// <summary>proxy-defaults http, the gateway, and services s1 and s2 with two instances each.</summary>
    private static void HttpServices(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
        RegisterGateway(f);
        foreach (var service in new[] { "s1", "s2" })
        {
            f.RegisterInstance(service, "node-" + service + "-1", "127.10.1.1");
            f.RegisterInstance(service, "node-" + service + "-2", "127.10.1.2");
        }
    }

    private static void Db(MeshFixture f)
    {
        f.RegisterInstance("db", "node-db-1", "127.10.1.1");
        f.RegisterInstance("db", "node-db-2", "127.10.1.2");
    }

    /// <summary>Consul's multiple-services fixture: foo and bar resolvers with 22s timeouts, baz and qux default chains.</summary>
    private static void MultipleServices(MeshFixture f, string protocol)
    {
        f.ConfigEntry($$$"""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"{{{protocol}}}"} }""");
        f.ConfigEntry("""{"Kind":"service-resolver","Name":"foo","ConnectTimeout":"22s","RequestTimeout":"22s"}""");
        f.ConfigEntry("""{"Kind":"service-resolver","Name":"bar","ConnectTimeout":"22s","RequestTimeout":"22s"}""");
        RegisterGateway(f);
        foreach (var service in new[] { "foo", "bar", "baz", "qux" })
        {
            f.RegisterInstance(service, "node-" + service + "-1", "127.10.1.1");
            f.RegisterInstance(service, "node-" + service + "-2", "127.10.1.2");
        }
    }
}
