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
    public static TheoryData<string> ScenarioNames => [.. TerminatingScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_TerminatingScenario_MatchesGoldenFiles(string scenario)
        => GoldenResources.AssertMatchOurs(scenario, GoldenResources.Of(TerminatingScenarios.All[scenario]));

    [ConsulGoldenTheory]
    [InlineData("terminating-gateway", GoldenResources.AllTypes)]
    [InlineData("terminating-gateway-no-services", GoldenResources.AllTypes)]
    [InlineData("terminating-gateway-service-subsets", GoldenResources.AllTypes)]
    [InlineData("terminating-gateway-hostname-service-subsets", GoldenResources.AllTypes)]
    [InlineData("terminating-gateway-http2-upstream", GoldenResources.AllTypes)]
    [InlineData("terminating-gateway-lb-config", GoldenResources.AllTypes)]
    public void Generate_TerminatingScenario_MatchesConsulsGolden(string scenario, string files)
        => GoldenResources.AssertMatchConsuls(scenario, GoldenResources.Of(TerminatingScenarios.All[scenario]), files);
}
