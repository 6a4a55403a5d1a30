using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.Tests.ConfigEntries;

/// <summary>
/// An <c>ingress-gateway</c> entry's service fields in Consul's JSON shapes survive a write and a read unchanged
/// (what <c>mesh config read -kind ingress-gateway</c> prints): header changes, limits, <c>Defaults</c>, and the
/// passive health check's Go durations as nanoseconds (also accepted as duration strings, as Consul's decoder does).
/// </summary>
public sealed class IngressServiceFieldsJsonTests
{
    private const string ConsulShaped = """
        {"Kind":"ingress-gateway","Name":"ingress-gateway","TLS":{"Enabled":false},
         "Listeners":[{"Port":8080,"Protocol":"http","Services":[
           {"Name":"web","Hosts":["web.example.com"],
            "RequestHeaders":{"Add":{"x-a":"1"},"Set":{"x-b":"2"},"Remove":["x-c"]},
            "ResponseHeaders":{"Add":{"x-d":"4"},"Set":{"x-e":"5"},"Remove":["server"]},
            "MaxConnections":100,"MaxPendingRequests":200,"MaxConcurrentRequests":300,
            "PassiveHealthCheck":{"Interval":10000000000,"MaxFailures":7,"EnforcingConsecutive5xx":80,"MaxEjectionPercent":50,"BaseEjectionTime":30000000000}}]}],
         "Defaults":{"MaxConnections":10,"MaxPendingRequests":20,"MaxConcurrentRequests":30,
           "PassiveHealthCheck":{"Interval":5000000000,"MaxFailures":0}}}
        """;

    [Fact]
    public void WriteThenRead_ConsulShapedServiceFields_ComeBackUnchanged()
    {
        var read = RoundTrip(ConsulShaped);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ConsulShaped), read), read.ToJsonString());
    }

    [Fact]
    public void Write_DurationStrings_AreReadBackAsNanoseconds()
    {
        var read = RoundTrip("""
            {"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"web"}]}],
             "Defaults":{"PassiveHealthCheck":{"Interval":"1m30s","BaseEjectionTime":"250ms"}}}
            """);

        var check = read["Defaults"]!["PassiveHealthCheck"]!;
        Assert.Equal(90_000_000_000, check["Interval"]!.GetValue<long>());
        Assert.Equal(250_000_000, check["BaseEjectionTime"]!.GetValue<long>());
        Assert.Equal(0u, check["MaxFailures"]!.GetValue<uint>());
        var typed = ConfigEntryKinds.IngressGateway.Read(Decode("""
            {"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"web"}]}],
             "Defaults":{"PassiveHealthCheck":{"Interval":90000000000}}}
            """).ToEntry());
        Assert.Equal("1m30s", typed.Defaults!.PassiveHealthCheck!.Interval);
    }

    [Fact]
    public void Write_IntervalThatIsNotADuration_IsRefused()
    {
        var error = Assert.Throws<InvalidConfigEntryException>(() => Decode("""
            {"Kind":"ingress-gateway","Name":"g","Listeners":[{"Port":8080,"Protocol":"http","Services":[{"Name":"web","PassiveHealthCheck":{"Interval":"often"}}]}]}
            """));

        Assert.Equal("PassiveHealthCheck.Interval: time: invalid duration \"often\"", error.Message);
    }

    private static ParsedConfigEntry Decode(string json) => ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!);

    /// <summary>The entry as the API returns it after a write, without the indexes.</summary>
    private static JsonObject RoundTrip(string json)
    {
        var output = (JsonObject)JsonNode.Parse(ConfigEntryOutput.One(Decode(json).ToEntry()))!;
        output.Remove("CreateIndex");
        output.Remove("ModifyIndex");
        return output;
    }
}
