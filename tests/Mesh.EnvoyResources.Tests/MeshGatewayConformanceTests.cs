using System.Text.Json.Nodes;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Tests.Shared;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// Mesh gateway scenarios, produced from store commands through the real proxycfg builder and resource generator:
/// our golden files, and Consul's golden files for the same fixtures (shared/reference/consul-golden/xds), compared
/// structurally. No difference is adjusted on either side: every resource of the four scenarios is compared whole.
/// One difference is in how the fixture is fed, not in the output: Mesh has no WAN federation, so the other
/// datacenters' gateways are catalog rows of nodes in those datacenters (Consul gets them from cross-datacenter
/// watches or, in mesh-gateway-using-federation-states, from federation states); both fixtures are fed the same way.
/// </summary>
public sealed class MeshGatewayConformanceTests
{
    public static TheoryData<string> ScenarioNames => [.. MeshGatewayScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_MeshGatewayScenario_MatchesGoldenFiles(string scenario)
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
    [InlineData("mesh-gateway")]
    [InlineData("mesh-gateway-no-services")]
    [InlineData("mesh-gateway-using-federation-states")]
    [InlineData("mesh-gateway-hash-lb-ignored")]
    public void Generate_MeshGatewayScenario_MatchesConsulsGolden(string scenario)
    {
        var set = Generate(scenario);
        foreach (var (typeUrl, file) in ResourceJson.Types)
        {
            var consul = Resources(JsonNode.Parse(File.ReadAllText(TestPaths.ConsulGolden($"xds/{scenario}/{file}"))));
            var ours = Resources(JsonNode.Parse(ResourceJson.Format(set, typeUrl)));
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
        MeshGatewayScenarios.All[scenario](fixture);
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
