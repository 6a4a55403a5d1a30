using System.Text.Json.Nodes;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Tests.Shared;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// Our output for Consul's own xDS fixtures against Consul's golden files (shared/reference/consul-golden/xds),
/// compared structurally, certificate and key bytes aside. Fixture differences, not behaviour differences, are
/// adjusted on Consul's side before comparing:
/// <list type="bullet">
/// <item>Consul's fixture has a prepared-query upstream (geo-cache); prepared queries are not supported, so its
/// resources are dropped.</item>
/// <item>Endpoint addresses 10.10.1.x are 127.10.1.x in ours (tests only use loopback addresses).</item>
/// <item>In http-upstream Consul's fixture compiles db's chain with a 33s connect timeout; ours has the default 5s.</item>
/// <item>Consul's splitter fixture gives a route a negative idle timeout (Envoy's 0s); config entry validation refuses
/// negative durations, so ours has none.</item>
/// <item>Consul's gRPC router fixture has not loaded the endpoints of its second target (prefix) yet, so Consul
/// skips its load assignment; ours is there (empty) and is left out of the comparison.</item>
/// <item>Our router and splitter scenarios make every service HTTP with proxy-defaults, so web's public listener is
/// HTTP too: only their routes are compared (splitter-with-resolver-redirect, whose chain has targets in dc1 and dc2:
/// its clusters, endpoints and routes). That scenario's dc2 instances are registered in a second fixture's store and
/// reach the build as proxycfg's cross-datacenter watch hands them over.</item>
/// </list>
/// </summary>
public sealed class ConsulConformanceTests
{
    private const string AllTypes = GoldenResources.AllTypes;

    [ConsulGoldenTheory]
    [InlineData("defaults", "defaults", AllTypes)]
    [InlineData("http-upstream", "http-upstream", AllTypes)]
    [InlineData("http-public-listener", "http-public-listener", AllTypes)]
    [InlineData("http2-public-listener", "http2-public-listener", AllTypes)]
    [InlineData("grpc-public-listener", "grpc-public-listener", AllTypes)]
    [InlineData("listener-bind-address-port", "listener-bind-address-port", AllTypes)]
    [InlineData("custom-local-app", "custom-local-app", AllTypes)]
    [InlineData("custom-upstream", "custom-upstream", AllTypes)]
    [InlineData("chain-and-failover", "connect-proxy-with-chain-and-failover", AllTypes)]
    [InlineData("splitter-with-resolver-redirect", "splitter-with-resolver-redirect", "clusters.json endpoints.json routes.json")]
    [InlineData("chain-with-grpc-router", "connect-proxy-with-grpc-router", AllTypes)]
    [InlineData("chain-and-router", "connect-proxy-with-chain-and-router", "routes.json")]
    [InlineData("chain-and-splitter", "connect-proxy-with-chain-and-splitter", "routes.json")]
    public void Generate_ConsulFixture_MatchesConsulsGolden(string scenario, string consulScenario, string files)
    {
        var fixture = new MeshFixture();
        Scenarios.All[scenario](fixture);
        var set = ResourceGenerator.Generate(fixture.Snapshot());

        var compared = 0;
        foreach (var (typeUrl, file) in ResourceJson.Types.Where(t => files.Split(' ').Contains(t.File)))
        {
            var consul = ConsulResources(consulScenario, file);
            compared += consul.Count;
            var ours = GoldenResources.ByName(JsonNode.Parse(ResourceJson.Format(set, typeUrl)));
            if (consulScenario == "connect-proxy-with-grpc-router" && file == "endpoints.json")
            {
                ours.Remove(ours.Keys.Single(k => k.StartsWith("prefix.", StringComparison.Ordinal)));
            }

            GoldenResources.AssertSame(scenario, file, consul, ours);
        }

        Assert.True(compared > 0, "nothing compared");
    }

    private static SortedDictionary<string, string> ConsulResources(string scenario, string file)
    {
        var text = File.ReadAllText(TestPaths.ConsulGolden($"xds/{scenario}/{file}"))
            .Replace("\"10.10.1.", "\"127.10.1.", StringComparison.Ordinal)
            .Replace("\"10.20.1.", "\"127.20.1.", StringComparison.Ordinal);
        var root = JsonNode.Parse(text)!;
        foreach (var resource in root["resources"]?.AsArray() ?? [])
        {
            if (scenario == "http-upstream" && resource!["name"]?.GetValue<string>() is { } name && name.StartsWith("db.", StringComparison.Ordinal))
            {
                resource["connectTimeout"] = "5s";
            }
        }

        if (scenario == "connect-proxy-with-chain-and-splitter")
        {
            root["resources"]![0]!["virtualHosts"]![0]!["routes"]![0]!["route"]!.AsObject().Remove("idleTimeout");
        }

        var resources = GoldenResources.ByName(root);
        foreach (var name in resources.Keys.Where(n => n.Contains("geo-cache", StringComparison.Ordinal)).ToList())
        {
            resources.Remove(name);
        }

        return resources;
    }
}
