using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Config.ConfigEntries;
using Mesh.Testing;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary>
/// The leader's gateway controller on a real server: entries written through <c>/v1/config</c> get Consul's status
/// conditions, which follow later writes (a route binds once its gateway appears) and survive a write-back of a read.
/// </summary>
public sealed class GatewayStatusControllerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestServer _server = fixture.Server;

    /// <summary>Waits until the stored entry carries the condition, then returns it as <c>GET /v1/config</c> prints it.</summary>
    private async Task<JsonElement> ConditionAsync(string kind, string name, string type, string status)
    {
        await TestCluster.WaitUntilAsync(
            () => GatewayStatusRules.Compute(_server.Server.Fsm.Current)
                .Any(update => update.Stored.Kind == kind && update.Stored.Name == name
                               && (update.Current.Conditions ?? []).Any(condition => condition.Type == type && condition.Status == status)),
            Patience,
            $"{kind}/{name} to carry {type}={status}");
        var entry = await _server.GetOkJsonAsync($"/v1/config/{kind}/{name}");
        return entry.GetProperty("Status").GetProperty("Conditions").EnumerateArray()
            .First(condition => condition.GetProperty("Type").GetString() == type && condition.GetProperty("Status").GetString() == status);
    }

    private Task SettledAsync() => TestCluster.WaitUntilAsync(
        () => GatewayStatusRules.Compute(_server.Server.Fsm.Current).All(update => GatewayStatusRules.Matches(update.Current, update.Desired)),
        Patience,
        "the gateway controller to settle");

    [Fact]
    public async Task RouteToAMissingGateway_IsReportedUnbound_ThenBoundWhenTheGatewayIsWritten()
    {
        var gateway = Unique.Name("gw");
        var route = Unique.Name("route");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"http-route","Name":"{{route}}","Parents":[{"Name":"{{gateway}}"}],"Rules":[{"Services":[{"Name":"web"}]}]}""");

        var unbound = await ConditionAsync("http-route", route, "Bound", "False");
        Assert.Equal("GatewayNotFound", unbound.GetProperty("Reason").GetString());
        Assert.Equal("gateway was not found", unbound.GetProperty("Message").GetString());
        Assert.Equal(gateway, unbound.GetProperty("Resource").GetProperty("Name").GetString());
        Assert.Equal("api-gateway", unbound.GetProperty("Resource").GetProperty("Kind").GetString());
        Assert.True(DateTimeOffset.TryParse(unbound.GetProperty("LastTransitionTime").GetString(), out _));
        var accepted = await ConditionAsync("http-route", route, "Accepted", "True");
        Assert.Equal("route is valid", accepted.GetProperty("Message").GetString());

        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"api-gateway","Name":"{{gateway}}","Listeners":[{"Name":"web","Port":8080,"Protocol":"http"}]}""");
        var bound = await ConditionAsync("http-route", route, "Bound", "True");
        Assert.Equal("Bound", bound.GetProperty("Reason").GetString());
        var gatewayAccepted = await ConditionAsync("api-gateway", gateway, "Accepted", "True");
        Assert.Equal("gateway is valid", gatewayAccepted.GetProperty("Message").GetString());
        await SettledAsync();
    }

    [Fact]
    public async Task AMissingCertificate_MakesTheGatewayNotAccepted_AndAReadWrittenBackKeepsItsStatusFilled()
    {
        var gateway = Unique.Name("tlsgw");
        await _server.PutOkAsync("/v1/config", $$$"""
            {"Kind":"api-gateway","Name":"{{{gateway}}}","Listeners":[{"Name":"secure","Port":8443,"Protocol":"http","TLS":{"Certificates":[{"Name":"{{{gateway}}}-cert"}]}}]}
            """);
        var refused = await ConditionAsync("api-gateway", gateway, "Accepted", "False");
        Assert.Equal("InvalidCertificates", refused.GetProperty("Reason").GetString());
        var reference = await ConditionAsync("api-gateway", gateway, "ResolvedRefs", "False");
        Assert.Equal("secure", reference.GetProperty("Resource").GetProperty("SectionName").GetString());
        await SettledAsync();

        // `config read` output written back: the status it carries is the controller's, which fills it in again.
        var read = await _server.GetOkJsonAsync($"/v1/config/api-gateway/{gateway}");
        await _server.PutOkAsync("/v1/config", read.GetRawText());
        await ConditionAsync("api-gateway", gateway, "Accepted", "False");

        var pair = TestKeyPair.Ec("gateway.example.com");
        await _server.PutOkAsync("/v1/config", JsonSerializer.Serialize(new { Kind = "inline-certificate", Name = gateway + "-cert", Certificate = pair.CertificatePem, PrivateKey = pair.KeyPem }));
        await ConditionAsync("api-gateway", gateway, "Accepted", "True");
        await SettledAsync();
    }
}
