using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.Tests.ConfigEntries;

/// <summary>The kind registry and the decode → normalize → canonical body pipeline, without a server.</summary>
public sealed class ConfigEntryKindsTests
{
    private static ParsedConfigEntry Decode(string json) => ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!);

    [Fact]
    public void Names_ListsTheRegisteredKinds()
        => Assert.Equal(
            [
                "api-gateway", "http-route", "ingress-gateway", "inline-certificate", "mesh", "proxy-defaults", "service-defaults", "service-intentions",
                "service-resolver", "service-router", "service-splitter", "tcp-route", "terminating-gateway",
            ],
            ConfigEntryKinds.Names);

    [Fact]
    public void Decode_KeyOrderAndCase_DoNotChangeTheCanonicalBody()
    {
        var a = Decode("""{"Kind":"service-defaults","Name":"web","Protocol":"HTTP","Meta":{"b":"2","a":"1"},"MaxInboundConnections":3}""");
        var b = Decode("""{"maxinboundconnections":3,"meta":{"a":"1","b":"2"},"protocol":"http","name":"web","kind":"service-defaults"}""");

        Assert.Equal(a.Body, b.Body);
        Assert.Equal(("service-defaults", "web"), (a.Kind, a.Name));
        Assert.DoesNotContain("\"Kind\"", a.Body.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Name\"", a.Body.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ConsulReadOutput_EnvelopeAndHashAcceptedButNotStored()
    {
        var plain = Decode("""{"Kind":"mesh","TransparentProxy":{"MeshDestinationsOnly":true}}""");
        var fromConsul = Decode("""{"Kind":"mesh","Name":"mesh","TransparentProxy":{"MeshDestinationsOnly":true},"Hash":18446744073709551615,"CreateIndex":7,"ModifyIndex":9}""");

        Assert.Equal(plain.Body, fromConsul.Body);
        Assert.Equal("mesh", fromConsul.Name);
        Assert.DoesNotContain("Hash", fromConsul.Body.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("Index", fromConsul.Body.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_SnakeCaseKeys_TranslatedExceptInsideFreeFormMaps()
    {
        var parsed = Decode("""{"kind":"proxy-defaults","config":{"local_connect_timeout_ms":5,"nested":{"a_b":1}},"mesh_gateway":{"mode":"local"},"meta":{"x_y":"z"}}""");
        var entry = ConfigEntryKinds.ProxyDefaults.Read(parsed.ToEntry());

        Assert.Equal("local", entry.MeshGateway!.Mode);
        Assert.Equal("z", entry.Meta!["x_y"]);
        Assert.Equal("""{"local_connect_timeout_ms":5,"nested":{"a_b":1}}""", entry.Config!.Value.Json);
    }

    [Fact]
    public void Decode_Intentions_ComputesPrecedenceOrdersSourcesAndDropsLegacyFields()
    {
        var parsed = Decode("""
            {"Kind":"service-intentions","Name":"db","Sources":[
              {"Name":"*","Action":"deny","Precedence":99},
              {"Name":"web","Action":"allow","LegacyID":"0b9c6c0e-1111-2222-3333-444444444444","LegacyCreateTime":"2020-01-01T00:00:00Z"},
              {"Name":"api","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/v1","Methods":["get","post"]}}]}]}
            """);

        var entry = ConfigEntryKinds.ServiceIntentions.Read(parsed.ToEntry());
        Assert.Equal(["web", "api", "*"], entry.Sources!.Select(s => s.Name));
        Assert.Equal([9, 9, 8], entry.Sources!.Select(s => s.Precedence));
        Assert.All(entry.Sources!, s => Assert.Equal("consul", s.Type));
        Assert.All(entry.Sources!, s => Assert.Null(s.LegacyId));
        Assert.All(entry.Sources!, s => Assert.Null(s.LegacyCreateTime));
        Assert.Equal(["GET", "POST"], entry.Sources![1].Permissions![0].Http!.Methods);
    }

    [Fact]
    public void WriteFields_EmitsConsulFieldOrderAndOmitsEmptyOptionalFields()
    {
        var parsed = Decode("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"}]}""");
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            ConfigEntryKinds.ServiceIntentions.WriteFields(writer, parsed.ToEntry());
            writer.WriteEndObject();
        }

        Assert.Equal("""{"Sources":[{"Name":"web","Action":"allow","Precedence":9,"Type":"consul"}]}""", System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Require_UnknownKind_NamesIt()
    {
        var error = Assert.Throws<InvalidConfigEntryException>(() => ConfigEntryKinds.Require("exported-services"));
        Assert.Equal("invalid config entry kind: exported-services", error.Message);
    }
}
