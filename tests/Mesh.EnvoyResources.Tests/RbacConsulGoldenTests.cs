using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Config.Intentions;
using Mesh.EnvoyResources.Tests.Support;
using Mesh.Tests.Shared;

namespace Mesh.EnvoyResources.Tests;

/// <summary>
/// The RBAC filters of Consul's <c>rbac_test.go</c> cases (destination api, trust domain test.consul), from the same
/// intentions written as service-intentions entries into a real store, against consul-golden/rbac/*.json.
/// </summary>
public sealed class RbacConsulGoldenTests
{
    private const string TrustDomain = "test.consul";

    public static TheoryData<string, bool, string[]> Cases => new()
    {
        { "default-deny-one-allow", false, ["""{"Name":"api","Sources":[{"Name":"web","Action":"allow"}]}"""] },
        { "default-allow-one-deny", true, ["""{"Name":"api","Sources":[{"Name":"web","Action":"deny"}]}"""] },
        { "default-allow-service-wildcard-deny", true, ["""{"Name":"api","Sources":[{"Name":"*","Action":"deny"}]}"""] },
        {
            "default-deny-mixed-precedence", false,
            [
                """{"Name":"api","Sources":[{"Name":"web","Action":"allow"},{"Name":"*","Action":"deny"}]}""",
                """{"Name":"*","Sources":[{"Name":"web","Action":"deny"}]}""",
            ]
        },
        {
            "default-deny-kitchen-sink", false,
            ["""{"Name":"api","Sources":[{"Name":"web","Action":"allow"},{"Name":"unsafe","Action":"deny"},{"Name":"cron","Action":"allow"},{"Name":"*","Action":"allow"}]}"""]
        },
        {
            "default-deny-kitchen-sink--httpfilter", false,
            ["""{"Name":"api","Sources":[{"Name":"web","Action":"allow"},{"Name":"unsafe","Action":"deny"},{"Name":"cron","Action":"allow"},{"Name":"*","Action":"allow"}]}"""]
        },
        {
            "default-deny-path-allow--httpfilter", false,
            ["""{"Name":"api","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]}"""]
        },
        {
            "default-allow-path-deny--httpfilter", true,
            ["""{"Name":"api","Sources":[{"Name":"web","Permissions":[{"Action":"deny","HTTP":{"PathPrefix":"/"}}]}]}"""]
        },
    };

    [ConsulGoldenTheory]
    [MemberData(nameof(Cases))]
    public void RbacFilter_ConsulCase_MatchesConsulsGolden(string name, bool defaultAllow, string[] entries)
    {
        var fixture = new MeshFixture();
        foreach (var entry in entries)
        {
            fixture.ConfigEntry("{\"Kind\":\"service-intentions\"," + entry[1..]);
        }

        var intentions = IntentionCatalog.MatchDestination(fixture.State, "api");
        IMessage filter = name.EndsWith("--httpfilter", StringComparison.Ordinal)
            ? RbacGenerator.HttpFilter(intentions, defaultAllow, TrustDomain)
            : RbacGenerator.NetworkFilter(intentions, defaultAllow, TrustDomain);

        var ours = JsonCanonical.Of(JsonNode.Parse(ResourceJson.Formatter.Format(filter)));
        var consul = JsonCanonical.Of(JsonNode.Parse(File.ReadAllText(TestPaths.ConsulGolden($"rbac/{name}.json"))));
        Assert.Equal(consul, ours);
    }
}
