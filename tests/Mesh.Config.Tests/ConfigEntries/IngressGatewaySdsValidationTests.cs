using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;

namespace Mesh.Config.Tests.ConfigEntries;

/// <summary>
/// Consul's <c>validateServiceSDS</c> for <c>ingress-gateway</c> entries: SDS needs a cluster and a certificate resource,
/// either may come from a higher level (gateway → listener → service), per-service certificates need Hosts (so only
/// HTTP listeners can carry them), and TLS Enabled next to SDS at one level is accepted.
/// </summary>
public sealed class IngressGatewaySdsValidationTests
{
    private static ParsedConfigEntry Decode(string json) => ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!);

    private static string Entry(string tls, string listenerTls, string serviceTls, string protocol = "http", string hosts = """["a.example.com"]""")
        => $$"""
            {"Kind":"ingress-gateway","Name":"g"{{(tls.Length > 0 ? ",\"TLS\":" + tls : "")}},"Listeners":[{"Port":8080,"Protocol":"{{protocol}}"{{(listenerTls.Length > 0 ? ",\"TLS\":" + listenerTls : "")}},
              "Services":[{"Name":"a"{{(hosts.Length > 0 ? ",\"Hosts\":" + hosts : "")}}{{(serviceTls.Length > 0 ? ",\"TLS\":" + serviceTls : "")}}}]}]}
            """;

    [Theory]
    [InlineData("""{"SDS":{"CertResource":"c"}}""", "", "", "TLS.SDS.ClusterName is required if CertResource is set")]
    [InlineData("""{"SDS":{"ClusterName":"sds"}}""", "", "", "TLS.SDS.CertResource is required if ClusterName is set for gateway (listener on port 8080)")]
    [InlineData("", """{"SDS":{"ClusterName":"sds"}}""", "", "TLS.SDS.CertResource is required if ClusterName is set for listener (listener on port 8080)")]
    [InlineData("", """{"SDS":{"CertResource":"c"}}""", "", "TLS.SDS.ClusterName is required if CertResource is set (listener on port 8080)")]
    [InlineData("", "", """{"SDS":{"CertResource":"c"}}""", "TLS.SDS.ClusterName is required if CertResource is set (service \"a\" on listener on port 8080)")]
    public void Decode_IncompleteSds_FailsWithConsulsMessage(string tls, string listenerTls, string serviceTls, string message)
    {
        var error = Assert.Throws<InvalidConfigEntryException>(() => Decode(Entry(tls, listenerTls, serviceTls)));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Decode_ServiceCertificateWithoutHosts_Fails()
    {
        var error = Assert.Throws<InvalidConfigEntryException>(
            () => Decode(Entry("", "", """{"SDS":{"ClusterName":"sds","CertResource":"c"}}""", hosts: "")));
        Assert.Equal("A service specifying TLS.SDS.CertResource must have at least one item in Hosts (service \"a\" on listener on port 8080)", error.Message);
    }

    [Fact]
    public void Decode_ServiceCertificateOnTcpListener_FailsOnItsHosts()
    {
        // A TCP listener cannot have Hosts, and a service certificate needs them: per-service TLS is for HTTP listeners.
        var withHosts = Assert.Throws<InvalidConfigEntryException>(
            () => Decode(Entry("", "", """{"SDS":{"ClusterName":"sds","CertResource":"c"}}""", protocol: "tcp")));
        Assert.Equal("Associating hosts to a service is not supported for the tcp protocol (listener on port 8080)", withHosts.Message);

        var withoutHosts = Assert.Throws<InvalidConfigEntryException>(
            () => Decode(Entry("", "", """{"SDS":{"ClusterName":"sds","CertResource":"c"}}""", protocol: "tcp", hosts: "")));
        Assert.StartsWith("A service specifying TLS.SDS.CertResource must have at least one item in Hosts", withoutHosts.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Enabled":true,"SDS":{"ClusterName":"sds","CertResource":"c"}}""", "", "")]
    [InlineData("""{"SDS":{"ClusterName":"sds"}}""", """{"Enabled":true,"SDS":{"CertResource":"c"}}""", "")]
    [InlineData("", """{"SDS":{"ClusterName":"sds","CertResource":"c"}}""", """{"SDS":{"CertResource":"a-cert"}}""")]
    [InlineData("""{"SDS":{"ClusterName":"sds","CertResource":"c"}}""", "", """{"SDS":{"CertResource":"a-cert"}}""")]
    [InlineData("", "", """{"SDS":{"ClusterName":"sds","CertResource":"a-cert"}}""")]
    public void Decode_CompleteOrInheritedSds_IsAccepted(string tls, string listenerTls, string serviceTls)
    {
        var parsed = Decode(Entry(tls, listenerTls, serviceTls));
        var entry = ConfigEntryKinds.IngressGateway.Read(parsed.ToEntry());

        Assert.Equal("a", entry.Listeners![0].Services![0].Name);
        Assert.Equal(serviceTls.Contains("a-cert", StringComparison.Ordinal) ? "a-cert" : null, entry.Listeners[0].Services![0].Tls?.Sds?.CertResource);
    }
}
