using Mesh.EnvoyResources.Tests.Support;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// Each scenario's resources, generated from a snapshot the real proxycfg builder made from real store commands,
/// against our golden files (rewritten with MESH_UPDATE_GOLDEN=1).
/// </summary>
public sealed class GoldenTests
{
    public static TheoryData<string> ScenarioNames => [.. Scenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_Scenario_MatchesGoldenFiles(string scenario)
    {
        GoldenResources.AssertMatchOurs(scenario, GoldenResources.Of(Scenarios.All[scenario]));
    }

    [Fact]
    public void Generate_SameSnapshotTwice_GivesIdenticalResources()
    {
        var fixture = new MeshFixture();
        Scenarios.All["transparent-proxy"](fixture);
        var snapshot = fixture.Snapshot();

        var first = ResourceGenerator.Generate(snapshot);
        var second = ResourceGenerator.Generate(snapshot);

        Assert.Equal(first.ByType.Keys, second.ByType.Keys);
        foreach (var (typeUrl, _) in ResourceJson.Types)
        {
            Assert.Equal(ResourceJson.Format(first, typeUrl), ResourceJson.Format(second, typeUrl));
        }
    }
}
