namespace Mesh.FaultTest.Fuzz;

/// <summary>
/// A valid request for an endpoint: the fuzzer starts from these and mutates them. Path parameters are written
/// <c>{id}</c> and filled with valid or odd segments; <see cref="Query"/> holds the endpoint's own parameters.
/// </summary>
public sealed record EndpointTemplate(string Name, string Method, string Path, IReadOnlyList<string> Bodies, IReadOnlyList<string> Query, IReadOnlyList<string> Segments, bool IsWrite = true, bool Binary = false);

/// <summary>Every write endpoint of the HTTP API, plus the reads that take bodies or rich query strings.</summary>
public static class EndpointTemplates
{
    private const string Spiffe = "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web";

    public static IReadOnlyList<EndpointTemplate> All { get; } =
    [
        new("catalog-register", "PUT", "/v1/catalog/register",
        [
            """{"Node":"fz-node","Address":"10.1.2.3","Datacenter":"dc1","NodeMeta":{"rack":"r1"},"TaggedAddresses":{"lan":"10.1.2.3"},"Service":{"ID":"web-1","Service":"web","Tags":["v1"],"Address":"10.1.2.3","Port":8080,"Meta":{"version":"1"},"Weights":{"Passing":1,"Warning":1}},"Check":{"CheckID":"web-alive","Name":"web alive","Status":"passing","ServiceID":"web-1","Notes":"n"}}""",
            """{"Node":"fz-node","Address":"10.1.2.3","Service":{"Kind":"connect-proxy","ID":"web-sidecar","Service":"web-sidecar-proxy","Port":21000,"Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web-1","LocalServicePort":8080,"Upstreams":[{"DestinationName":"db","LocalBindPort":9191}]}}}""",
            """{"Node":"fz-node2","Address":"10.1.2.4","Checks":[{"CheckID":"c1","Name":"c1","Status":"warning"},{"CheckID":"c2","Name":"c2","Status":"critical","Definition":{"HTTP":"http://127.0.0.1:1/","Interval":"10s"}}],"SkipNodeUpdate":true}""",
        ], ["dc=dc1", "token="], []),
        new("catalog-deregister", "PUT", "/v1/catalog/deregister",
            ["""{"Node":"fz-node","ServiceID":"web-1"}""", """{"Node":"fz-node","CheckID":"web-alive"}""", """{"Node":"fz-node2","Datacenter":"dc1"}"""], ["dc=dc1"], []),
        new("agent-service-register", "PUT", "/v1/agent/service/register",
        [
            """{"ID":"api-1","Name":"api","Tags":["a"],"Port":9090,"Address":"127.0.0.1","Meta":{"m":"1"},"EnableTagOverride":false,"Check":{"TTL":"30s","DeregisterCriticalServiceAfter":"90m"},"Weights":{"Passing":10,"Warning":1},"Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"db","LocalBindPort":9192}]}}}}""",
            """{"Name":"api2","Port":9091,"Checks":[{"Name":"tcp","TCP":"127.0.0.1:1","Interval":"30s","Timeout":"1s"},{"Name":"ttl","TTL":"60s"}]}""",
            """{"Kind":"connect-proxy","Name":"api-proxy","Port":21001,"Proxy":{"DestinationServiceName":"api","LocalServicePort":9090,"Mode":"transparent","Config":{"protocol":"http"}}}""",
        ], ["replace-existing-checks=true", "token="], []),
        new("agent-service-deregister", "PUT", "/v1/agent/service/deregister/{id}", [], [], ["api-1", "api2", "api-1-sidecar-proxy"]),
        new("agent-check-register", "PUT", "/v1/agent/check/register",
        [
            """{"Name":"mem","CheckID":"mem","TTL":"30s","Notes":"x"}""",
            """{"Name":"port","CheckID":"port","TCP":"127.0.0.1:1","Interval":"30s","Timeout":"1s","Status":"passing"}""",
            """{"Name":"svc","CheckID":"svc-ttl","ServiceID":"api-1","TTL":"15s","DeregisterCriticalServiceAfter":"10m"}""",
        ], [], []),
        new("agent-check-pass", "PUT", "/v1/agent/check/pass/{id}", [], ["note=ok"], ["mem", "svc-ttl", "service:api-1"]),
        new("agent-check-warn", "PUT", "/v1/agent/check/warn/{id}", [], ["note=hmm"], ["mem", "svc-ttl"]),
        new("agent-check-fail", "PUT", "/v1/agent/check/fail/{id}", [], ["note=bad"], ["mem", "svc-ttl"]),
        new("agent-check-update", "PUT", "/v1/agent/check/update/{id}", ["""{"Status":"warning","Output":"out"}""", """{"Status":"passing"}"""], [], ["mem", "svc-ttl"]),
        new("agent-check-deregister", "PUT", "/v1/agent/check/deregister/{id}", [], [], ["mem", "port", "svc-ttl"]),
        new("config-write", "PUT", "/v1/config",
        [
            """{"Kind":"service-defaults","Name":"web","Protocol":"http","MeshGateway":{"Mode":"local"},"Meta":{"a":"b"}}""",
            """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http","local_connect_timeout_ms":1000},"Mode":"transparent","TransparentProxy":{"OutboundListenerPort":15001}}""",
            """{"Kind":"service-resolver","Name":"web","DefaultSubset":"v1","Subsets":{"v1":{"Filter":"Service.Meta.version == 1"},"v2":{"Filter":"Service.Meta.version == 2"}},"ConnectTimeout":"5s"}""",
            """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":90,"ServiceSubset":"v1"},{"Weight":10,"ServiceSubset":"v2"}]}""",
            """{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/admin","Header":[{"Name":"x-debug","Exact":"1"}]}},"Destination":{"Service":"admin","RequestTimeout":"2s"}}]}""",
            """{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"},{"Name":"api","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/v1","Methods":["GET","PUT"]}}]},{"Name":"*","Action":"deny"}]}""",
            """{"Kind":"mesh","TransparentProxy":{"MeshDestinationsOnly":true}}""",
            """{"Kind":"service-defaults","Name":"admin","Protocol":"http","UpstreamConfig":{"Defaults":{"ConnectTimeoutMs":500,"Limits":{"MaxConnections":10}}}}""",
        ], ["cas=0", "cas=1", "dc=dc1"], []),
        new("config-delete", "DELETE", "/v1/config/{id}", [], ["cas=0", "cas=3"],
            ["service-defaults/web", "service-router/web", "service-splitter/web", "service-resolver/web", "service-intentions/db", "proxy-defaults/global", "mesh/mesh"]),
        new("intention-exact-put", "PUT", "/v1/connect/intentions/exact",
        [
            """{"SourceType":"consul","Action":"allow","Description":"d","Meta":{"a":"b"}}""",
            """{"Permissions":[{"Action":"deny","HTTP":{"PathExact":"/admin","Methods":["DELETE"],"Header":[{"Name":"x","Present":true}]}}]}""",
            """{"Action":"deny"}""",
        ], ["source=web&destination=db", "source=*&destination=db", "source=api&destination=web"], []),
        new("intention-exact-delete", "DELETE", "/v1/connect/intentions/exact", [], ["source=web&destination=db", "source=*&destination=db"], []),
        new("ca-configuration", "PUT", "/v1/connect/ca/configuration",
        [
            """{"Provider":"consul","Config":{"LeafCertTTL":"72h","RotationPeriod":"2160h","IntermediateCertTTL":"8760h"}}""",
            """{"Provider":"consul","Config":{"LeafCertTTL":"48h"},"ForceWithoutCrossSigning":false}""",
        ], [], []),
        new("authorize", "POST", "/v1/agent/connect/authorize",
            [$$"""{"Target":"db","ClientCertURI":"{{Spiffe}}","ClientCertSerial":"04:00"}""", """{"Target":"web","ClientCertURI":"spiffe://x.consul/ns/default/dc/dc1/svc/api"}"""], [], []),
        new("discovery-chain-post", "POST", "/v1/discovery-chain/{id}",
            ["""{"OverrideProtocol":"grpc","OverrideConnectTimeout":"3s","OverrideMeshGateway":{"Mode":"remote"}}""", """{}"""], ["compile-dc=dc1"], ["web", "db"], IsWrite: false),
        new("snapshot-restore", "PUT", "/v1/snapshot", [], [], [], Binary: true),
        new("operator-raft-peer-delete", "DELETE", "/v1/operator/raft/peer", [], ["address=10.250.0.9:8300", "id=00000000-0000-0000-0000-000000000009"], []),
        new("intention-check", "GET", "/v1/connect/intentions/check", [], ["source=web&destination=db"], [], IsWrite: false),
        new("intention-match", "GET", "/v1/connect/intentions/match", [], ["by=destination&name=db", "by=source&name=web"], [], IsWrite: false),
        new("catalog-service", "GET", "/v1/catalog/service/{id}", [], ["filter=Service.Meta.version == 1", "tag=v1", "index=1&wait=1ms"], ["web", "db"], IsWrite: false),
        new("health-service", "GET", "/v1/health/service/{id}", [], ["passing", "filter=Checks.Status == passing", "index=1&wait=1ms"], ["web", "api"], IsWrite: false),
    ];
}
