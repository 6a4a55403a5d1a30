using Mesh.XdsServer.Delta;
using static Mesh.XdsServer.Tests.Support.DeltaResources;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>Changes after the start: what is sent, in which order, and what is not sent again.</summary>
public sealed class DeltaSessionUpdateTests
{
    [Fact]
    public void TakeResponses_EndpointChange_SendsOnlyThatLoadAssignment()
    {
        var session = DeltaSessionFixture.Established();

        session.Update(Sidecar(dbPort: 20001), "connect-proxy");

        var eds = Assert.Single(session.TakeResponses());
        Assert.Equal(Eds, eds.TypeUrl);
        Assert.Equal(["db"], Names(eds));
        Assert.Empty(eds.RemovedResources);
    }

    [Fact]
    public void TakeResponses_SameContentNewInstance_SendsNothing()
    {
        var session = DeltaSessionFixture.Established();

        session.Update(Sidecar(), "connect-proxy");

        Assert.Empty(session.TakeResponses());
    }

    [Fact]
    public void TakeResponses_ClusterChange_ResendsItsEndpoints()
    {
        var session = DeltaSessionFixture.Established();

        session.Update(Sidecar(dbTimeout: 9), "connect-proxy");
        var responses = session.TakeResponses();

        Assert.Equal([Cds, Eds], responses.Select(r => r.TypeUrl));
        Assert.Equal(["db"], Names(responses[0]));
        Assert.Equal(["db"], Names(responses[1])); // unchanged, but Envoy dropped it with the cluster (envoy#13009)
    }

    [Fact]
    public void TakeResponses_ListenerChange_ResendsItsRoutes()
    {
        var session = DeltaSessionFixture.Established();
        var changed = Set(Cluster("local_app"), Cluster("db"), Endpoints("db", 20000), Listener("public_listener"),
            Listener("db:127.0.0.1:9191", "db", 9292), Route("db", "db"));

        session.Update(changed, "connect-proxy");
        var responses = session.TakeResponses();

        Assert.Equal([Lds, Rds], responses.Select(r => r.TypeUrl));
        Assert.Equal(["db:127.0.0.1:9191"], Names(responses[0]));
        Assert.Equal(["db"], Names(responses[1]));
    }

    [Fact]
    public void TakeResponses_OutstandingResponse_NextWaitsForItsAck()
    {
        var session = DeltaSessionFixture.Established();
        session.Update(Sidecar(dbPort: 1), "connect-proxy");
        var first = Assert.Single(session.TakeResponses());

        session.Update(Sidecar(dbPort: 2), "connect-proxy");
        Assert.Empty(session.TakeResponses());

        session.Receive(Ack(first));
        var second = Assert.Single(session.TakeResponses());
        Assert.Equal(Eds, second.TypeUrl);
        Assert.NotEqual(first.Resources[0].Version, second.Resources[0].Version);
    }

    [Fact]
    public void TakeResponses_UpstreamRemoved_RemovesListenerRouteThenClusterAndEndpoints()
    {
        var session = DeltaSessionFixture.Established();

        session.Update(Set(Cluster("local_app"), Listener("public_listener")), "connect-proxy");
        var responses = session.TakeResponses();

        Assert.Equal([Lds, Rds, Cds, Eds], responses.Select(r => r.TypeUrl));
        Assert.All(responses, r => Assert.Empty(r.Resources));
        Assert.Equal(["db:127.0.0.1:9191"], responses[0].RemovedResources);
        Assert.Equal(["db"], responses[1].RemovedResources);
        Assert.Equal(["db"], responses[2].RemovedResources);
        Assert.Equal(["db"], responses[3].RemovedResources);
    }

    [Fact]
    public void TakeResponses_NewUpstream_ClustersAndEndpointsBeforeListenersAndRoutes()
    {
        // Envoy already subscribed to db's endpoints and route (told they do not exist) before db appears.
        var session = DeltaSessionFixture.Established(Set(Cluster("local_app"), Listener("public_listener")));
        session.Update(Sidecar(), "connect-proxy");

        var first = session.TakeResponses();
        Assert.Equal([Cds, Eds], first.Select(r => r.TypeUrl));
        session.Receive(Ack(first[0]));
        Assert.Empty(session.TakeResponses()); // listeners wait for the endpoints' ACK too

        session.Receive(Ack(first[1]));
        var next = session.TakeResponses();
        Assert.Equal([Lds, Rds], next.Select(r => r.TypeUrl));
        Assert.Equal(["db:127.0.0.1:9191"], Names(next[0]));
        Assert.Equal(["db"], Names(next[1]));
    }

    [Fact]
    public void Receive_Ack_MovesPendingToAcked()
    {
        var session = DeltaSessionFixture.Established();
        session.Update(Sidecar(dbPort: 3), "connect-proxy");
        var eds = Assert.Single(session.TakeResponses());
        var state = session.State(Eds);
        Assert.True(state.HasPending);

        var received = session.Receive(Ack(eds));

        Assert.Equal(NonceOutcome.Ack, received.Nonce);
        Assert.False(state.HasPending);
        Assert.Equal(eds.Resources[0].Version, state.Acked["db"]);
        Assert.Equal(["db"], state.Subscriptions);
    }

    [Fact]
    public void Receive_Nack_SameVersionNotResentButLaterChangeFlows()
    {
        var session = DeltaSessionFixture.Established();
        session.Update(Sidecar(dbPort: 4), "connect-proxy");
        var eds = Assert.Single(session.TakeResponses());

        var received = session.Receive(Nack(eds, "bad endpoint"));

        Assert.Equal(NonceOutcome.Nack, received.Nonce);
        Assert.Equal(["db"], received.NackedNames);
        Assert.Equal("bad endpoint", received.NackError);
        Assert.Empty(session.TakeResponses());
        session.Update(Sidecar(dbPort: 4), "connect-proxy");
        Assert.Empty(session.TakeResponses());

        session.Update(Sidecar(dbPort: 5), "connect-proxy");
        var next = Assert.Single(session.TakeResponses());
        Assert.Equal(["db"], Names(next));
        Assert.NotEqual(eds.Resources[0].Version, next.Resources[0].Version);
    }

    [Fact]
    public void Receive_Nack_KeepsThePreviouslyAckedVersion()
    {
        var session = DeltaSessionFixture.Established();
        var before = session.State(Eds).Acked["db"];
        session.Update(Sidecar(dbPort: 4), "connect-proxy");
        var eds = Assert.Single(session.TakeResponses());

        session.Receive(Nack(eds));

        Assert.Equal(before, session.State(Eds).Acked["db"]);
        Assert.False(session.State(Eds).HasPending);
    }

    [Fact]
    public void Receive_StaleNonce_IgnoredButSubscriptionChangesApply()
    {
        var session = DeltaSessionFixture.Established();
        session.Update(Sidecar(dbPort: 6), "connect-proxy");
        var eds = Assert.Single(session.TakeResponses());

        var received = session.Receive(Request(Eds, ["other"], nonce: "0000ffff"));

        Assert.Equal(NonceOutcome.Stale, received.Nonce);
        Assert.True(session.State(Eds).HasPending);
        Assert.Contains("other", session.State(Eds).Subscriptions);
        Assert.Empty(session.TakeResponses());

        session.Receive(Ack(eds));
        var removal = Assert.Single(session.TakeResponses());
        Assert.Equal(["other"], removal.RemovedResources); // "other" does not exist
    }

    [Fact]
    public void Receive_AckOfOlderNonce_IsStale()
    {
        var session = DeltaSessionFixture.Established();
        session.Update(Sidecar(dbPort: 7), "connect-proxy");
        var eds = Assert.Single(session.TakeResponses());

        var received = session.Receive(Request(Eds, nonce: "00000002"));

        Assert.Equal(NonceOutcome.Stale, received.Nonce);
        Assert.True(session.State(Eds).Pending.ContainsKey(eds.Nonce));
    }
}
