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
        => GoldenResources.AssertMatchOurs(scenario, GoldenResources.Of(MeshGatewayScenarios.All[scenario]));

    [ConsulGoldenTheory]
    [InlineData("mesh-gateway")]
    [InlineData("mesh-gateway-no-services")]
    [InlineData("mesh-gateway-using-federation-states")]
    [InlineData("mesh-gateway-hash-lb-ignored")]
    public void Generate_MeshGatewayScenario_MatchesConsulsGolden(string scenario)
        => GoldenResources.AssertMatchConsuls(scenario, GoldenResources.Of(MeshGatewayScenarios.All[scenario]), loopbackAddresses: false);
}
