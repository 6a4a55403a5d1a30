using Google.Protobuf;
using Mesh.EnvoyResources.Tests.Support;

namespace Mesh.EnvoyResources.Tests;

/// <summary>Every generated resource of every scenario survives the wire (binary) and our golden format (JSON) unchanged.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> ScenarioNames => [.. Scenarios.All.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generate_EveryResource_RoundTripsThroughBinaryAndJson(string scenario)
    {
        var fixture = new MeshFixture();
        Scenarios.All[scenario](fixture);
        var set = ResourceGenerator.Generate(fixture.Snapshot());

        var count = 0;
        foreach (var (typeUrl, resources) in set.ByType)
        {
            foreach (var (name, resource) in resources)
            {
                Assert.Equal(typeUrl, Mesh.Xds.XdsTypeUrls.Prefix + resource.Descriptor.FullName);

                var fromBinary = resource.Descriptor.Parser.ParseFrom(resource.ToByteArray());
                Assert.True(resource.Equals(fromBinary), $"{name} changed through binary");

                var fromJson = ResourceJson.Parser.Parse(ResourceJson.Formatter.Format(resource), resource.Descriptor);
                Assert.True(resource.Equals(fromJson), $"{name} changed through JSON");
                count++;
            }
        }

        Assert.True(count >= 3, $"{scenario} generated only {count} resources");
    }
}
