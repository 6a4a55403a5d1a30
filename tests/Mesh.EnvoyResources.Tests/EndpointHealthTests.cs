using Mesh.Fsm.Model;
using Mesh.ProxyCfg;
using EnvoyHealth = Envoy.Config.Core.V3.HealthStatus;

namespace Mesh.EnvoyResources.Tests;

/// <summary>Consul's <c>calculateEndpointHealthAndWeight</c> rules, one by one.</summary>
public sealed class EndpointHealthTests
{
    [Theory]
    [InlineData(new[] { "passing" }, false, 1, 1, EnvoyHealth.Healthy, 1)]
    [InlineData(new[] { "passing", "critical" }, false, 1, 1, EnvoyHealth.Unhealthy, 1)]
    [InlineData(new[] { "maintenance" }, false, 1, 1, EnvoyHealth.Unhealthy, 1)]
    [InlineData(new[] { "warning" }, false, 10, 3, EnvoyHealth.Healthy, 3)]
    [InlineData(new[] { "warning" }, true, 10, 3, EnvoyHealth.Unhealthy, 3)]
    [InlineData(new[] { "warning" }, false, 10, 0, EnvoyHealth.Unhealthy, 1)]
    [InlineData(new[] { "passing" }, false, 0, 1, EnvoyHealth.Unhealthy, 1)]
    [InlineData(new[] { "passing" }, false, 500, 1, EnvoyHealth.Healthy, 128)]
    [InlineData(new string[0], true, 5, 1, EnvoyHealth.Healthy, 5)]
    public void HealthAndWeight_Checks_FollowConsulsRules(string[] statuses, bool onlyPassing, int passing, int warning, EnvoyHealth health, int weight)
    {
        var endpoint = new UpstreamEndpoint
        {
            Node = "n",
            ServiceId = "s",
            Address = "127.0.0.1",
            Port = 8080,
            Weights = new ServiceWeights { Passing = passing, Warning = warning },
            CheckStatuses = [.. statuses],
        };

        Assert.Equal((health, weight), EndpointGenerator.HealthAndWeight(endpoint, onlyPassing));
    }

    [Fact]
    public void LoadAssignment_NoEndpoints_HasOneEmptyLocality()
    {
        var assignment = EndpointGenerator.LoadAssignment("c", [], onlyPassing: false);

        Assert.Equal("c", assignment.ClusterName);
        Assert.Empty(Assert.Single(assignment.Endpoints).LbEndpoints);
    }
}
