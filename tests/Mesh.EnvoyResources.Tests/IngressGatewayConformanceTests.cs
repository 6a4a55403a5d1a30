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
    public static TheoryData<string> ScenarioNames => [.. IngressScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_IngressScenario_MatchesGoldenFiles(string scenario)
        => GoldenResources.AssertMatchOurs(scenario, GoldenResources.Of(IngressScenarios.All[scenario]));

    [ConsulGoldenTheory]
    [InlineData("ingress-gateway", GoldenResources.AllTypes)]
    [InlineData("ingress-gateway-no-services", GoldenResources.AllTypes)]
    [InlineData("ingress-gateway-bind-addrs", GoldenResources.AllTypes)]
    [InlineData("ingress-with-tls-listener", GoldenResources.AllTypes)]
    [InlineData("ingress-with-chain-and-failover", GoldenResources.AllTypes)]
    [InlineData("ingress-with-chain-and-router", GoldenResources.AllTypes)]
    [InlineData("ingress-http-multiple-services", GoldenResources.AllTypes)]
    [InlineData("ingress-grpc-multiple-services", GoldenResources.AllTypes)]
    [InlineData("ingress-with-tls-mixed-listeners", GoldenResources.AllTypes)]
    [InlineData("ingress-splitter-with-resolver-redirect", GoldenResources.AllTypes)]
    public void Generate_IngressScenario_MatchesConsulsGolden(string scenario, string files)
        => GoldenResources.AssertMatchConsuls(scenario, GoldenResources.Of(IngressScenarios.All[scenario]), files, adjust: (file, consul, ours) =>
        {
            if (scenario == "ingress-with-chain-and-router" && file == "endpoints.json")
            {
                // Consul's fixture loads only db's endpoints; ours has an (empty) assignment for every router target.
                foreach (var name in ours.Keys.Except(consul.Keys).ToList())
                {
                    ours.Remove(name);
                }
            }
        });
}
