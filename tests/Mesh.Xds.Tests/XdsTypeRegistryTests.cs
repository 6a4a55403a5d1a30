using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Mesh.Xds.Tests;

public class XdsTypeRegistryTests
{
    [Fact]
    public void Instance_EveryGeneratedMessage_IsRegistered()
    {
        var generated = typeof(XdsTypeRegistry).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .Select(t => (MessageDescriptor)t.GetProperty("Descriptor", typeof(MessageDescriptor))!.GetValue(null)!)
            .ToList();

        var missing = generated.Where(d => XdsTypeRegistry.Instance.Find(d.FullName) != d).Select(d => d.FullName);

        Assert.Contains(generated, d => d.FullName == "envoy.config.bootstrap.v3.Bootstrap");
        Assert.Empty(missing);
    }

    [Fact]
    public void Files_RootsOfTheProject_AreDistinctAndEnvoyOwned()
    {
        var names = XdsTypeRegistry.Files.Select(f => f.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.StartsWith("envoy/", n, StringComparison.Ordinal));
        Assert.Contains("envoy/service/discovery/v3/ads.proto", names);
    }
}
