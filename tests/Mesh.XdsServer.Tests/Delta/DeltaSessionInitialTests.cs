using Grpc.Core;
using Mesh.XdsServer.Delta;
using static Mesh.XdsServer.Tests.Support.DeltaResources;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>The start of a stream: wildcard and named subscriptions, send order, nonces, bad requests.</summary>
public sealed class DeltaSessionInitialTests
{
    [Fact]
    public void Receive_EmptyFirstRequest_IsWildcard()
    {
        var session = new DeltaSession();

        session.Receive(Request(Cds));
        session.Receive(Request(Lds, ["*"]));
        session.Receive(Request(Eds, ["db"]));

        Assert.True(session.State(Cds).Wildcard);
        Assert.True(session.State(Lds).Wildcard);
        Assert.False(session.State(Eds).Wildcard);
        Assert.Equal(["db"], session.State(Eds).Subscriptions);
        Assert.Empty(session.State(Cds).Subscriptions);
    }

    [Fact]
    public void TakeResponses_BeforeFirstSnapshot_SendsNothing()
    {
        var session = new DeltaSession();
        session.Receive(Request(Cds));

        Assert.Empty(session.TakeResponses());
    }

    [Fact]
    public void TakeResponses_BasicProtocol_FollowsConsulsExchange()
    {
        // Consul's TestServer_DeltaAggregatedResources_v3_BasicProtocol: CDS (1) -> EDS (2) -> ACK 1 -> LDS request -> ACK 2 -> LDS (3).
        var session = new DeltaSession();
        session.Receive(Request(Cds));
        session.Update(Sidecar(), "connect-proxy");

        var cds = Assert.Single(session.TakeResponses());
        Assert.Equal(Cds, cds.TypeUrl);
        Assert.Equal("00000001", cds.Nonce);
        Assert.Equal(["db", "local_app"], Names(cds));
        Assert.All(cds.Resources, r => Assert.Matches("^[0-9a-f]{64}$", r.Version));

        session.Receive(Request(Eds, ["db"]));
        var eds = Assert.Single(session.TakeResponses());
        Assert.Equal((Eds, "00000002"), (eds.TypeUrl, eds.Nonce));
        Assert.Equal(["db"], Names(eds));

        session.Receive(Ack(cds));
        Assert.Empty(session.TakeResponses());
        session.Receive(Request(Lds));
        Assert.Empty(session.TakeResponses()); // listeners wait for the endpoints' ACK

        session.Receive(Ack(eds));
        var lds = Assert.Single(session.TakeResponses());
        Assert.Equal((Lds, "00000003"), (lds.TypeUrl, lds.Nonce));
        Assert.Equal(["db:127.0.0.1:9191", "public_listener"], Names(lds));

        session.Receive(Request(Rds, ["db"]));
        var rds = Assert.Single(session.TakeResponses());
        Assert.Equal((Rds, "00000004", "db"), (rds.TypeUrl, rds.Nonce, Names(rds).Single()));
        Assert.Empty(rds.RemovedResources);
    }

    [Fact]
    public void TakeResponses_ListenersRequestedWhileClustersUnacked_WaitForTheAck()
    {
        var session = new DeltaSession();
        session.Receive(Request(Cds));
        session.Receive(Request(Lds));
        session.Update(Sidecar(), "connect-proxy");

        var first = Assert.Single(session.TakeResponses());
        Assert.Equal(Cds, first.TypeUrl);

        session.Receive(Ack(first));
        var second = Assert.Single(session.TakeResponses());
        Assert.Equal(Lds, second.TypeUrl);
    }

    [Fact]
    public void TakeResponses_Nonces_AreSharedAcrossTypesAndHex()
    {
        var session = DeltaSessionFixture.Established();
        session.Update(Sidecar(dbPort: 1, dbTimeout: 7), "connect-proxy");

        var nonces = DeltaSessionFixture.AckAll(session, session.TakeResponses()).Select(r => r.Nonce).ToList();

        Assert.Equal(["00000005", "00000006"], nonces.Take(2));
        Assert.All(nonces, n => Assert.Matches("^[0-9a-f]{8}$", n));
        Assert.Equal(nonces.Order(StringComparer.Ordinal), nonces);
    }

    [Fact]
    public void Receive_EmptyTypeUrl_IsInvalidArgument()
    {
        var error = Assert.Throws<RpcException>(() => new DeltaSession().Receive(Request(string.Empty)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("type URL is required", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Receive_GarbageTypeUrl_IsInvalidArgument()
    {
        var error = Assert.Throws<RpcException>(() => new DeltaSession().Receive(Request("not/a-type")));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("unsupported type URL", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Receive_EnvoyTypeNotServed_IsIgnored()
    {
        var session = new DeltaSession();

        var received = session.Receive(Request("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"));

        Assert.Equal(NonceOutcome.IgnoredType, received.Nonce);
    }

    [Fact]
    public void Receive_TooManyNames_IsInvalidArgument()
    {
        var session = new DeltaSession(maxNamesPerType: 3);
        session.Receive(Request(Eds, ["a", "b"]));

        var error = Assert.Throws<RpcException>(() => session.Receive(Request(Eds, ["c", "d"])));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("too many resource names", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, session.State(Eds).Subscriptions.Count);
    }

    [Fact]
    public void TakeResponses_NoResourcesOfAType_SendsNothingForIt()
    {
        var session = new DeltaSession();
        session.Receive(Request(Cds));
        session.Update(Set(Listener("public_listener")), "connect-proxy");

        Assert.Empty(session.TakeResponses());
    }
}
