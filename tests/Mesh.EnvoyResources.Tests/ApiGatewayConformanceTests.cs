using System.Text.Json.Nodes;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Tests.Shared;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// API gateway scenarios, produced from store commands through the real proxycfg builder and resource generator:
/// our golden files, and Consul's golden files for the same fixtures (shared/reference/consul-golden/xds), compared
/// structurally with certificate and key bytes aside. Fixture differences adjusted on Consul's side, as in
/// <see cref="IngressGatewayConformanceTests"/>: endpoint addresses 10.x are 127.x in ours; in
/// api-gateway-with-tcp-route-and-inline-certificate Consul's fixture loads no endpoints for <c>service</c>, so ours
/// (an empty assignment for its cluster) is left out. How the fixtures are fed differs too (see
/// <see cref="ApiGatewayScenarios"/>): the binding comes from the routes' parents and the listeners' certificate
/// references rather than a bound-api-gateway entry, and api-gateway has one listener with nothing bound instead of
/// no listeners.
/// </summary>
public sealed class ApiGatewayConformanceTests
{
    public static TheoryData<string> ScenarioNames => [.. ApiGatewayScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_ApiGatewayScenario_MatchesGoldenFiles(string scenario)
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
    [InlineData("api-gateway")]
    [InlineData("api-gateway-with-http-route")]
    [InlineData("api-gateway-with-tcp-route-and-inline-certificate")]
    public void Generate_ApiGatewayScenario_MatchesConsulsGolden(string scenario)
    {
        var set = Generate(scenario);
        foreach (var (typeUrl, file) in ResourceJson.Types)
        {
            var consul = Resources(JsonNode.Parse(File.ReadAllText(TestPaths.ConsulGolden($"xds/{scenario}/{file}"))
                .Replace("\"10.10.1.", "\"127.10.1.", StringComparison.Ordinal)));
            var ours = Resources(JsonNode.Parse(ResourceJson.Format(set, typeUrl)));
            if (scenario == "api-gateway-with-tcp-route-and-inline-certificate" && file == "endpoints.json")
            {
                // Consul's fixture loads no endpoints; ours has the (empty) assignment of the service's cluster.
                Assert.All(ours.Values, assignment => Assert.Contains("\"endpoints\":[{}]", assignment, StringComparison.Ordinal));
                ours.Clear();
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
        ApiGatewayScenarios.All[scenario](fixture);
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
