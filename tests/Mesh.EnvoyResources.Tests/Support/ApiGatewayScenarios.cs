using System.Text.Json;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// API gateway scenarios after Consul's <c>testing_api_gateway.go</c> fixtures: gateway service <c>api-gateway</c> at
/// 1.2.3.4 with no port, its <c>api-gateway</c> entry, route <c>route</c> to service <c>service</c> (instances in
/// 127.0.0.0/8) and inline-certificate <c>certificate</c> (a self-signed RSA test certificate), all written as store
/// commands. The binding Consul's fixture states in a bound-api-gateway entry is decided by our builder from the
/// routes' parents and the listeners' certificate references.
/// </summary>
internal static class ApiGatewayScenarios
{
    public static readonly ProxyId Gateway = new("node-api-gateway", "api-gateway");

    public static IReadOnlyDictionary<string, Action<MeshFixture>> All { get; } = new SortedDictionary<string, Action<MeshFixture>>(StringComparer.Ordinal)
    {
        ["api-gateway"] = f =>
        {
            // Consul's fixture has an entry without listeners, which its validation (and ours) refuses on write: one
            // listener with nothing bound gives the same (empty) output.
            RegisterGateway(f);
            f.ConfigEntry("""{"Kind":"api-gateway","Name":"api-gateway","Listeners":[{"Name":"listener","Port":8080,"Protocol":"http"}]}""");
        },
        ["api-gateway-with-http-route"] = WithHttpRoute,

        // proxy-defaults AccessLogs (a JSON format) on the http listener: a listener log and the HTTP connection manager's.
        ["api-gateway-access-logs"] = f =>
        {
            WithHttpRoute(f);
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"},"AccessLogs":{"Enabled":true,"JSONFormat":"{\"status\":\"%RESPONSE_CODE%\"}"}}""");
        },
        ["api-gateway-with-tcp-route-and-inline-certificate"] = f =>
        {
            Certificate(f);
            RegisterGateway(f);
            f.ConfigEntry("""
                {"Kind":"api-gateway","Name":"api-gateway","Listeners":[
                  {"Name":"listener","Port":8080,"Protocol":"tcp","TLS":{"Certificates":[{"Kind":"inline-certificate","Name":"certificate"}]}}]}
                """);
            f.ConfigEntry("""{"Kind":"tcp-route","Name":"route","Parents":[{"Kind":"api-gateway","Name":"api-gateway"}],"Services":[{"Name":"service"}]}""");
        },
    };

    public static void RegisterGateway(MeshFixture f)
    {
        f.Register(Gateway.NodeName, "127.0.0.40", new NodeService
        {
            Kind = ServiceKind.ApiGateway,
            Id = Gateway.ServiceId,
            Service = "api-gateway",
            Address = "1.2.3.4",
        });
        f.SnapshotProxy = Gateway;
    }

    /// <summary>Consul's api-gateway-with-http-route fixture: an http listener with a certificate and one http-route.</summary>
    private static void WithHttpRoute(MeshFixture f)
    {
        f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
        Certificate(f);
        RegisterGateway(f);
        f.ConfigEntry("""
            {"Kind":"api-gateway","Name":"api-gateway","Listeners":[
              {"Name":"listener","Port":8080,"Protocol":"http","TLS":{"Certificates":[{"Kind":"inline-certificate","Name":"certificate"}]}}]}
            """);
        f.ConfigEntry("""
            {"Kind":"http-route","Name":"route","Parents":[{"Kind":"api-gateway","Name":"api-gateway"}],
             "Rules":[{"Filters":{
                 "Headers":[{"Add":{"X-Header-Add":"added"},"Set":{"X-Header-Set":"set"},"Remove":["X-Header-Remove"]}],
                 "RetryFilter":{"NumRetries":3,"RetryOn":["cancelled"],"RetryOnStatusCodes":[500],"RetryOnConnectFailure":true},
                 "TimeoutFilter":{"RequestTimeout":"30s","IdleTimeout":"30s"}},
               "Services":[{"Name":"service"}]}]}
            """);
        f.RegisterInstance("service", "node-service-1", "127.10.1.1");
        f.RegisterInstance("service", "node-service-2", "127.10.1.2");
    }

    private static void Certificate(MeshFixture f)
        => f.ConfigEntry(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Kind"] = "inline-certificate",
            ["Name"] = "certificate",
            ["Certificate"] = File.ReadAllText(TestPaths.TestData("api-gateway-cert.pem")),
            ["PrivateKey"] = File.ReadAllText(TestPaths.TestData("api-gateway-key.pem")),
        }));
}
