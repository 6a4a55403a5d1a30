using System.Text.Json.Nodes;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Tests.Shared;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// Terminating gateway scenarios, produced from store commands through the real proxycfg builder and resource
/// generator: our golden files, and Consul's golden files for the same fixtures (shared/reference/consul-golden/xds),
/// compared structurally with certificate and key bytes aside. Fixture differences adjusted on Consul's side, as in
/// <see cref="IngressGatewayConformanceTests"/>: IP addresses 10.x are 127.x in ours. Nothing else is adjusted.
/// </summary>
public sealed class TerminatingGatewayConformanceTests
{
    private const string AllTypes = "clusters.json endpoints.json listeners.json routes.json";

    public static TheoryData<string> ScenarioNames => [.. TerminatingScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_TerminatingScenario_MatchesGoldenFiles(string scenario)
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
    [InlineData("terminating-gateway", AllTypes)]
    [InlineData("terminating-gateway-no-services", AllTypes)]
    [InlineData("terminating-gateway-service-subsets", AllTypes)]
    [InlineData("terminating-gateway-hostname-service-subsets", AllTypes)]
    [InlineData("terminating-gateway-http2-upstream", AllTypes)]
    [InlineData("terminating-gateway-lb-config", AllTypes)]
    public void Generate_TerminatingScenario_MatchesConsulsGolden(string scenario, string files)
    {
        var set = Generate(scenario);
        foreach (var (typeUrl, file) in ResourceJson.Types.Where(t => files.Split(' ').Contains(t.File)))
        {
            var consul = Resources(JsonNode.Parse(File.ReadAllText(TestPaths.ConsulGolden($"xds/{scenario}/{file}"))
                .Replace("\"10.10.1.", "\"127.10.1.", StringComparison.Ordinal)));
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
        TerminatingScenarios.All[scenario](fixture);
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
