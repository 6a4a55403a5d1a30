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
        => GoldenResources.AssertMatchOurs(scenario, GoldenResources.Of(ApiGatewayScenarios.All[scenario]));

    [ConsulGoldenTheory]
    [InlineData("api-gateway")]
    [InlineData("api-gateway-with-http-route")]
    [InlineData("api-gateway-with-tcp-route-and-inline-certificate")]
    public void Generate_ApiGatewayScenario_MatchesConsulsGolden(string scenario)
        => GoldenResources.AssertMatchConsuls(scenario, GoldenResources.Of(ApiGatewayScenarios.All[scenario]), adjust: (file, _, ours) =>
        {
            if (scenario == "api-gateway-with-tcp-route-and-inline-certificate" && file == "endpoints.json")
            {
                // Consul's fixture loads no endpoints; ours has the (empty) assignment of the service's cluster.
                Assert.All(ours.Values, assignment => Assert.Contains("\"endpoints\":[{}]", assignment, StringComparison.Ordinal));
                ours.Clear();
            }
        });
}
