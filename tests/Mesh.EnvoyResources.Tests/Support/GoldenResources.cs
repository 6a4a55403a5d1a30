using System.Text.Json.Nodes;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// A scenario's generated resources against golden files: ours (text equal; rewritten with MESH_UPDATE_GOLDEN=1) and
/// Consul's (shared/reference/consul-golden/xds; compared structurally, each resource's canonical JSON by its name).
/// </summary>
internal static class GoldenResources
{
    /// <summary>Every resource type file, for a comparison that covers them all.</summary>
    public const string AllTypes = "clusters.json endpoints.json listeners.json routes.json";

    /// <summary>The resources a scenario's fixture generates, through the real proxycfg builder and resource generator.</summary>
    public static EnvoyResourceSet Of(Action<MeshFixture> scenario)
    {
        var fixture = new MeshFixture();
        scenario(fixture);
        return ResourceGenerator.Generate(fixture.Snapshot());
    }

    /// <summary>Each resource type's JSON equals our golden file for the scenario.</summary>
    public static void AssertMatchOurs(string scenario, EnvoyResourceSet set)
    {
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

    /// <summary>
    /// Each listed resource type (<paramref name="files"/>, space separated) has the same resources as Consul's golden
    /// file for the scenario. With <paramref name="loopbackAddresses"/> Consul's endpoint addresses 10.10.1.x and
    /// 10.20.1.x are read as 127.x (ours, since tests only use loopback). <paramref name="adjust"/> may change either
    /// side for a fixture difference before they are compared.
    /// </summary>
    public static void AssertMatchConsuls(
        string scenario,
        EnvoyResourceSet set,
        string files = AllTypes,
        bool loopbackAddresses = true,
        Action<string, SortedDictionary<string, string>, SortedDictionary<string, string>>? adjust = null)
    {
        foreach (var (typeUrl, file) in ResourceJson.Types.Where(t => files.Split(' ').Contains(t.File)))
        {
            var text = File.ReadAllText(TestPaths.ConsulGolden($"xds/{scenario}/{file}"));
            if (loopbackAddresses)
            {
                text = text
                    .Replace("\"10.10.1.", "\"127.10.1.", StringComparison.Ordinal)
                    .Replace("\"10.20.1.", "\"127.20.1.", StringComparison.Ordinal);
            }

            var consul = ByName(JsonNode.Parse(text));
            var ours = ByName(JsonNode.Parse(ResourceJson.Format(set, typeUrl)));
            adjust?.Invoke(file, consul, ours);
            AssertSame(scenario, file, consul, ours);
        }
    }

    /// <summary>The same resource names, and each resource's canonical JSON equal.</summary>
    public static void AssertSame(string scenario, string file, SortedDictionary<string, string> consul, SortedDictionary<string, string> ours)
    {
        Assert.Equal(consul.Keys, ours.Keys);
        foreach (var (name, expected) in consul)
        {
            Assert.True(expected == ours[name], $"{scenario}/{file}: {name} differs\nconsul: {expected}\nours:   {ours[name]}");
        }
    }

    /// <summary>Canonical JSON of each resource of a discovery response, by its name.</summary>
    public static SortedDictionary<string, string> ByName(JsonNode? response)
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
