using System.Text.Json.Nodes;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Tests.Shared;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// Ingress gateway scenarios, produced from store commands through the real proxycfg builder and resource generator:
/// our golden files, and Consul's golden files for the same fixtures (shared/reference/consul-golden/xds), compared
/// structurally with certificate and key bytes aside. Fixture differences adjusted on Consul's side, as in
/// <see cref="ConsulConformanceTests"/>: endpoint addresses 10.x are 127.x in ours; in ingress-with-chain-and-router
/// Consul's fixture loads only db's endpoints, so ours for the other router targets (empty) are left out; and that
/// fixture compiles db's chain with a 33s connect timeout, which ours sets with a resolver.
/// </summary>
public sealed class IngressGatewayConformanceTests
{
    private const string AllTypes = "clusters.json endpoints.json listeners.json routes.json";

    public static TheoryData<string> ScenarioNames => [.. IngressScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_IngressScenario_MatchesGoldenFiles(string scenario)
    {
        var set = Generate(scenario);
        foreach (var (typeUrl, file) in ResourceJson.Types)
        {
            var json = ResourceJson.Format(set, typeUrl);
            var path = TestPaths.Golden(scenario, file);
            if (TestPaths.UpdateGolden)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, json);
            }

            Assert.True(File.Exists(path), $"no golden file {path}; run with MESH_UPDATE_GOLDEN=1 to create it");
            Assert.Equal(File.ReadAllText(path), json);
        }
    }

    [ConsulGoldenTheory]
    [InlineData("ingress-gateway", AllTypes)]
    [InlineData("ingress-gateway-no-services", AllTypes)]
    [InlineData("ingress-gateway-bind-addrs", AllTypes)]
    [InlineData("ingress-with-tls-listener", AllTypes)]
    [InlineData("ingress-with-chain-and-failover", AllTypes)]
    [InlineData("ingress-with-chain-and-router", AllTypes)]
    [InlineData("ingress-http-multiple-services", AllTypes)]
    [InlineData("ingress-grpc-multiple-services", AllTypes)]
    [InlineData("ingress-with-tls-mixed-listeners", AllTypes)]
    public void Generate_IngressScenario_MatchesConsulsGolden(string scenario, string files)
    {
        var set = Generate(scenario);
        foreach (var (typeUrl, file) in ResourceJson.Types.Where(t => files.Split(' ').Contains(t.File)))
        {
            var consul = Resources(JsonNode.Parse(File.ReadAllText(TestPaths.ConsulGolden($"xds/{scenario}/{file}"))
                .Replace("\"10.10.1.", "\"127.10.1.", StringComparison.Ordinal)
                .Replace("\"10.20.1.", "\"127.20.1.", StringComparison.Ordinal)));
            var ours = Resources(JsonNode.Parse(ResourceJson.Format(set, typeUrl)));
            if (scenario == "ingress-with-chain-and-router" && file == "endpoints.json")
            {
                // Consul's fixture loads only db's endpoints; ours has an (empty) assignment for every router target.
                foreach (var name in ours.Keys.Except(consul.Keys).ToList())
                {
                    ours.Remove(name);
                }
            }

            Assert.Equal(consul.Keys, ours.Keys);
            foreach (var (name, expected) in consul)
            {
                Assert.True(expected == ours[name], $"{scenario}/{file}: {name} differs\nconsul: {expected}\nours:   {ours[name]}");
            }
        }
    }

    private static EnvoyResourceSet Generate(string scenario)
    {
        var fixture = new MeshFixture();
        IngressScenarios.All[scenario](fixture);
        return ResourceGenerator.Generate(fixture.Snapshot());
    }

    private static SortedDictionary<string, string> Resources(JsonNode? response)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in response?["resources"]?.AsArray() ?? [])
        {
            var name = (resource!["name"] ?? resource["clusterName"])!.GetValue<string>();
            result[name] = JsonCanonical.Of(resource);
        }

        return result;
    }
}
