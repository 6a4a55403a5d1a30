using Envoy.Service.Discovery.V3;
using Mesh.XdsServer.Delta;
using static Mesh.XdsServer.Tests.Support.DeltaResources;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>Subscriptions: reconnects, re-subscribes, unsubscribes, names that do not exist.</summary>
public sealed class DeltaSessionSubscriptionTests
{
    [Fact]
    public void Receive_InitialResourceVersions_UnchangedResourcesAreNotResent()
    {
        var resources = Sidecar();
        var session = new DeltaSession();
        var request = Request(Cds);
        request.InitialResourceVersions.Add("db", resources.Of(Cds)["db"].Version);
        request.InitialResourceVersions.Add("local_app", "stale-version");
        session.Receive(request);
        session.Update(resources, "connect-proxy");

        var cds = Assert.Single(session.TakeResponses());

        Assert.Equal(["local_app"], Names(cds));
    }

    [Fact]
    public void Receive_InitialResourceVersionsAllCurrent_SendsOneEmptyResponse()
    {
        var resources = Sidecar();
        var session = new DeltaSession();
        var request = Request(Eds, ["db"]);
        request.InitialResourceVersions.Add("db", resources.Of(Eds)["db"].Version);
        session.Receive(request);
        session.Update(resources, "connect-proxy");

        var first = Assert.Single(session.TakeResponses());
        Assert.Empty(first.Resources);
        Assert.Empty(first.RemovedResources);

        session.Receive(Ack(first));
        Assert.Empty(session.TakeResponses());
        Assert.True(session.State(Eds).SentOnce);
    }

    [Fact]
    public void Receive_InitialResourceVersionsOfGoneResource_RemovesIt()
    {
        var session = new DeltaSession();
        var request = Request(Cds);
        foreach (var (name, resource) in Sidecar().Of(Cds))
        {
            request.InitialResourceVersions.Add(name, resource.Version);
        }

        request.InitialResourceVersions.Add("old-upstream", "v1");
        session.Receive(request);
        session.Update(Sidecar(), "connect-proxy");

        var responses = DeltaSessionFixture.AckAll(session, session.TakeResponses());

        Assert.Equal(["old-upstream"], responses.SelectMany(r => r.RemovedResources));
        Assert.Empty(responses.SelectMany(r => r.Resources));
    }

    [Fact]
    public void Receive_NonWildcardInitialVersions_AreSubscribed()
    {
        var session = new DeltaSession();
        var request = Request(Eds, ["db"]);
        request.InitialResourceVersions.Add("cache", "v1");
        session.Receive(request);

        Assert.Equal(["cache", "db"], session.State(Eds).Subscriptions.Order(StringComparer.Ordinal));
        Assert.Equal("v1", session.State(Eds).Acked["cache"]);
    }

    [Fact]
    public void Receive_Resubscribe_ForcesResendOfTheSameVersion()
    {
        var session = DeltaSessionFixture.Established();
        var version = session.State(Eds).Acked["db"];

        session.Receive(Request(Eds, ["db"]));
        var eds = Assert.Single(session.TakeResponses());

        Assert.Equal(["db"], Names(eds));
        Assert.Equal(version, eds.Resources[0].Version);
    }

    [Fact]
    public void Receive_Unsubscribe_SendsNothingAndForgetsTheResource()
    {
        var session = DeltaSessionFixture.Established();

        session.Receive(Request(Eds, unsubscribe: ["db"]));

        Assert.Empty(session.TakeResponses());
        Assert.DoesNotContain("db", session.State(Eds).Subscriptions);
        Assert.False(session.State(Eds).Acked.ContainsKey("db"));
        session.Update(Sidecar(dbPort: 9), "connect-proxy");
        Assert.Empty(session.TakeResponses()); // a change to an unsubscribed resource is not sent
    }

    [Fact]
    public void Receive_SubscribeAfterUnsubscribe_SendsTheResourceAgain()
    {
        var session = DeltaSessionFixture.Established();
        session.Receive(Request(Eds, unsubscribe: ["db"]));
        Assert.Empty(session.TakeResponses());

        session.Receive(Request(Eds, ["db"]));

        var eds = Assert.Single(session.TakeResponses());
        Assert.Equal(["db"], Names(eds));
    }

    [Fact]
    public void Receive_PhantomUnsubscribe_IsIgnored()
    {
        var session = DeltaSessionFixture.Established();

        session.Receive(Request(Eds, unsubscribe: ["never-subscribed"]));

        Assert.Empty(session.TakeResponses());
        Assert.Equal(["db"], session.State(Eds).Subscriptions);
    }

    [Fact]
    public void TakeResponses_SubscribedNameThatNeverExisted_ReportedRemovedOnce()
    {
        var session = DeltaSessionFixture.Established();

        session.Receive(Request(Eds, ["ghost"]));
        var removal = Assert.Single(session.TakeResponses());
        Assert.Equal(["ghost"], removal.RemovedResources);
        session.Receive(Ack(removal));

        session.Update(Sidecar(dbPort: 8), "connect-proxy");
        var eds = Assert.Single(session.TakeResponses());
        Assert.Empty(eds.RemovedResources); // not reported again
        Assert.Equal(["db"], Names(eds));
    }

    [Fact]
    public void TakeResponses_SubscribedNameAppearsLater_IsSent()
    {
        var session = DeltaSessionFixture.Established();
        session.Receive(Request(Eds, ["cache"]));
        DeltaSessionFixture.AckAll(session, session.TakeResponses());

        session.Update(Set(Cluster("local_app"), Cluster("db"), Endpoints("db", 20000), Endpoints("cache", 6379),
            Listener("public_listener"), Listener("db:127.0.0.1:9191", "db", 9191), Route("db", "db")), "connect-proxy");

        var eds = Assert.Single(session.TakeResponses());
        Assert.Equal(["cache"], Names(eds));
    }

    [Fact]
    public void Subscription_SurvivesRemovalOfAllItsResources()
    {
        // Consul #10563: tracking "subscribed" and "has" in one map unsubscribed Envoy when db's endpoints were all
        // removed, and endpoints stopped flowing once db came back.
        var session = DeltaSessionFixture.Established();
        var withoutDbEndpoints = Set(Cluster("local_app"), Cluster("db"), Listener("public_listener"),
            Listener("db:127.0.0.1:9191", "db", 9191), Route("db", "db"));
        session.Update(withoutDbEndpoints, "connect-proxy");
        var removal = Assert.Single(session.TakeResponses());
        Assert.Equal((Eds, "db"), (removal.TypeUrl, removal.RemovedResources.Single()));
        session.Receive(Ack(removal));
        Assert.Contains("db", session.State(Eds).Subscriptions);

        session.Update(Sidecar(dbPort: 20005), "connect-proxy");

        var eds = Assert.Single(session.TakeResponses());
        Assert.Equal(["db"], Names(eds));
    }

    [Fact]
    public void Receive_UnsubscribeWildcard_ForgetsResourcesNotNamed()
    {
        var session = DeltaSessionFixture.Established();

        session.Receive(Request(Cds, ["db"], ["*"]));

        var state = session.State(Cds);
        Assert.False(state.Wildcard);
        Assert.Equal(["db"], state.Acked.Keys);
        var resend = session.TakeResponses()[0];
        Assert.Equal((Cds, "db"), (resend.TypeUrl, Names(resend).Single())); // the subscribe of an already-held name is answered
    }

    [Fact]
    public void Receive_UnsubscribeNameStillCoveredByWildcard_ResendsIt()
    {
        var session = DeltaSessionFixture.Established();
        session.Receive(Request(Cds, ["db"]));
        DeltaSessionFixture.AckAll(session, session.TakeResponses());

        session.Receive(Request(Cds, unsubscribe: ["db"]));

        var cds = session.TakeResponses().First();
        Assert.Equal((Cds, "db"), (cds.TypeUrl, Names(cds).Single()));
        Assert.True(session.State(Cds).Wildcard);
    }

    [Fact]
    public void Receive_ResubscribeCluster_ResendsItsEndpoints()
    {
        var session = DeltaSessionFixture.Established();

        session.Receive(Request(Cds, ["db"]));
        List<DeltaDiscoveryResponse> responses = session.TakeResponses();

        Assert.Equal([Cds, Eds], responses.Select(r => r.TypeUrl));
        Assert.Equal(["db"], Names(responses[1]));
    }
}
