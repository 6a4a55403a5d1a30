using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.Tests.ConfigEntries;

/// <summary>The conditions the gateway controller writes, computed from entries applied through the real FSM.</summary>
public sealed class GatewayStatusRulesTests
{
    private const string Gateway = """
        {"Kind":"api-gateway","Name":"gw","Listeners":[
          {"Name":"web","Port":8080,"Protocol":"http"},
          {"Name":"raw","Port":9090,"Protocol":"tcp"},
          {"Name":"secure","Port":8443,"Protocol":"http","TLS":{"Certificates":[{"Name":"cert"}]}}]}
        """;

    private readonly StateMachine _fsm = new(new ConfigEntryValidator());
    private long _index;

    private void Write(string json)
    {
        var entry = ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!).ToEntry();
        var result = _fsm.Apply(++_index, new LogRecord { Command = new UpsertConfigEntryCommand { Entry = entry } });
        Assert.True(result.Succeeded, result.Error);
    }

    private static string InlineCertificate(string name, string host)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={host}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return System.Text.Json.JsonSerializer.Serialize(new { Kind = "inline-certificate", Name = name, Certificate = certificate.ExportCertificatePem(), PrivateKey = key.ExportECPrivateKeyPem() });
    }

    private IReadOnlyList<StatusCondition> Desired(string kind, string name)
        => GatewayStatusRules.Compute(_fsm.Current).Single(update => update.Stored.Kind == kind && update.Stored.Name == name).Desired;

    private static StatusCondition Find(IReadOnlyList<StatusCondition> conditions, string type, string? section = null)
        => conditions.Single(condition => condition.Type == type && (section is null || condition.Resource?.SectionName == section));

    [Fact]
    public void RouteToAMissingGateway_IsAcceptedButNotBound_AndBindsOnceTheGatewayExists()
    {
        Write("""{"Kind":"http-route","Name":"r","Parents":[{"Name":"gw"}],"Rules":[{"Services":[{"Name":"web"}]}]}""");

        var before = Desired(HttpRouteKind.KindName, "r");
        Assert.Equal(("True", "Accepted"), (Find(before, "Accepted").Status, Find(before, "Accepted").Reason));
        var unbound = Find(before, "Bound");
        Assert.Equal(("False", "GatewayNotFound"), (unbound.Status, unbound.Reason));
        Assert.Equal("gw", unbound.Resource!.Name);

        Write(Gateway);
        var bound = Find(Desired(HttpRouteKind.KindName, "r"), "Bound");
        Assert.Equal(("True", "Bound", "successfully bound route"), (bound.Status, bound.Reason, bound.Message));
    }

    [Fact]
    public void RouteNamingAMissingListenerOrTheWrongProtocol_FailsToBind()
    {
        Write(Gateway);
        Write("""{"Kind":"http-route","Name":"nolistener","Parents":[{"Name":"gw","SectionName":"nope"}],"Rules":[{"Services":[{"Name":"web"}]}]}""");
        Write("""{"Kind":"tcp-route","Name":"wrongprotocol","Parents":[{"Name":"gw","SectionName":"web"}],"Services":[{"Name":"db"}]}""");

        var missing = Find(Desired(HttpRouteKind.KindName, "nolistener"), "Bound");
        Assert.Equal(("False", "FailedToBind"), (missing.Status, missing.Reason));
        Assert.Contains("\"nope\"", missing.Message, StringComparison.Ordinal);
        var protocol = Find(Desired(TcpRouteKind.KindName, "wrongprotocol"), "Bound");
        Assert.Equal(("False", "FailedToBind"), (protocol.Status, protocol.Reason));
        Assert.Contains("no tcp listener", protocol.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteWithoutServices_IsNotAccepted()
    {
        Write(Gateway);
        Write("""{"Kind":"http-route","Name":"empty","Parents":[{"Name":"gw"}]}""");
        var accepted = Find(Desired(HttpRouteKind.KindName, "empty"), "Accepted");
        Assert.Equal(("False", "NoUpstreamServicesTargeted"), (accepted.Status, accepted.Reason));
    }

    [Fact]
    public void GatewayWithAMissingCertificate_IsNotAccepted_UntilTheCertificateIsWritten()
    {
        Write(Gateway);
        var before = Desired(ApiGatewayKind.KindName, "gw");
        Assert.Equal(("False", "InvalidCertificates"), (Find(before, "Accepted").Status, Find(before, "Accepted").Reason));
        Assert.Equal(("False", "InvalidCertificateRef"), (Find(before, "ResolvedRefs", "secure").Status, Find(before, "ResolvedRefs", "secure").Reason));
        Assert.Equal("True", Find(before, "ResolvedRefs", "web").Status);

        Write(InlineCertificate("cert", "gateway.example.com"));
        var after = Desired(ApiGatewayKind.KindName, "gw");
        Assert.Equal(("True", "Accepted"), (Find(after, "Accepted").Status, Find(after, "Accepted").Reason));
        Assert.Equal("True", Find(after, "ResolvedRefs", "secure").Status);
    }

    [Fact]
    public void TwoTcpRoutesOnOneTcpListener_AreAConflict()
    {
        Write(Gateway);
        Write("""{"Kind":"tcp-route","Name":"a","Parents":[{"Name":"gw","SectionName":"raw"}],"Services":[{"Name":"db"}]}""");
        Assert.Equal("False", Find(Desired(ApiGatewayKind.KindName, "gw"), "Conflicted", "raw").Status);

        Write("""{"Kind":"tcp-route","Name":"b","Parents":[{"Name":"gw"}],"Services":[{"Name":"cache"}]}""");
        var conflicted = Find(Desired(ApiGatewayKind.KindName, "gw"), "Conflicted", "raw");
        Assert.Equal(("True", "RouteConflict"), (conflicted.Status, conflicted.Reason));
    }

    [Fact]
    public void Stamp_KeepsTheTimeOfAnUnchangedCondition_AndWithStatusRoundTripsThroughTheKind()
    {
        Write("""{"Kind":"http-route","Name":"r","Parents":[{"Name":"gw"}],"Rules":[{"Services":[{"Name":"web"}]}]}""");
        var first = GatewayStatusRules.Compute(_fsm.Current).Single();
        Assert.False(GatewayStatusRules.Matches(first.Current, first.Desired));
        var t1 = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var stamped = GatewayStatusRules.Stamp(first.Current, first.Desired, t1);
        var written = GatewayStatusRules.WithStatus(first.Stored, stamped);
        Assert.True(_fsm.Apply(++_index, new LogRecord { Command = new UpsertConfigEntryCommand { Entry = written, CasIndex = first.Stored.ModifyIndex } }).Succeeded);

        var settled = GatewayStatusRules.Compute(_fsm.Current).Single();
        Assert.True(GatewayStatusRules.Matches(settled.Current, settled.Desired));
        Assert.All(settled.Current.Conditions!, condition => Assert.Equal("2026-12-07T10:00:00.0000000Z", condition.LastTransitionTime));

        // The gateway appears: Bound changes (new time), Accepted does not (keeps its time).
        Write(Gateway);
        var next = GatewayStatusRules.Compute(_fsm.Current).Single(update => update.Stored.Kind == HttpRouteKind.KindName);
        var restamped = GatewayStatusRules.Stamp(next.Current, next.Desired, t1.AddMinutes(5));
        Assert.Equal("2026-12-07T10:00:00.0000000Z", Find(restamped.Conditions!, "Accepted").LastTransitionTime);
        Assert.Equal("2026-12-07T10:05:00.0000000Z", Find(restamped.Conditions!, "Bound").LastTransitionTime);
    }
}
