using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

/// <summary>CreateIndex/ModifyIndex of rows and the watch indexes, as written by <see cref="StoreTransaction"/>.</summary>
public sealed class StoreTransactionIndexTests
{
    [Fact]
    public void Register_NewRows_CarryTheWritingIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Node("other"));
        driver.Ok(Catalog.Node("other2"));

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.ServiceCheck("web-alive", "web"), Catalog.NodeCheck("serfHealth")));

        var state = driver.State;
        Assert.Equal((3, 3), (state.FindNode("n1")!.CreateIndex, state.FindNode("n1")!.ModifyIndex));
        Assert.Equal((3, 3), (state.FindService("n1", "web")!.CreateIndex, state.FindService("n1", "web")!.ModifyIndex));
        Assert.Equal((3, 3), (state.FindCheck("n1", "web-alive")!.CreateIndex, state.FindCheck("n1", "web-alive")!.ModifyIndex));
        Assert.Equal((3, 3), (state.FindCheck("n1", "serfHealth")!.CreateIndex, state.FindCheck("n1", "serfHealth")!.ModifyIndex));
        Assert.Equal(1, state.FindNode("other")!.ModifyIndex);
    }

    [Fact]
    public void Register_ChangedService_MovesModifyIndexAndKeepsCreateIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web", 80)));
        driver.Ok(Catalog.Node("other"));

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web", 81)));

        var service = driver.State.FindService("n1", "web")!;
        Assert.Equal(1, service.CreateIndex);
        Assert.Equal(3, service.ModifyIndex);
        Assert.Equal(81, service.Port);
        Assert.Equal(1, driver.State.FindNode("n1")!.ModifyIndex);
    }

    [Fact]
    public async Task Register_IdenticalContent_KeepsModifyIndexAndTouchesNoWatchKey()
    {
        var driver = new FsmDriver();
        var register = Catalog.Register(
            "n1",
            Catalog.Sidecar("web-proxy", "web") with { Meta = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } },
            Catalog.ServiceCheck("proxy-alive", "web-proxy"),
            Catalog.NodeCheck("serfHealth")) with
        {
            NodeMeta = new Dictionary<string, string> { ["rack"] = "r1" },
        };
        driver.Ok(register);
        var before = driver.State;
        var watch = driver.Fsm.Watches.Capture([WatchKeys.Service("web-sidecar-proxy"), WatchKeys.Node("n1"), WatchKeys.Services]);

        // Equal content in fresh objects (what the decoded log entry of a repeated registration looks like).
        driver.Ok(register with
        {
            NodeMeta = new Dictionary<string, string> { ["rack"] = "r1" },
            Service = register.Service! with { Meta = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } },
            Checks = [.. register.Checks.Select(c => c with { })],
        });

        var state = driver.State;
        Assert.Empty(driver.LastTouched);
        Assert.Same(before.WatchIndexes, state.WatchIndexes);
        Assert.Equal(1, state.FindNode("n1")!.ModifyIndex);
        Assert.Equal(1, state.FindService("n1", "web-proxy")!.ModifyIndex);
        Assert.Equal(1, state.FindCheck("n1", "proxy-alive")!.ModifyIndex);
        Assert.Equal(1, state.FindCheck("n1", "serfHealth")!.ModifyIndex);
        Assert.Equal(2, state.AppliedIndex);
        Assert.False(await watch.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public void UpdateCheck_SameStatusAndOutput_KeepsModifyIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", null, Catalog.NodeCheck("serfHealth", HealthStatus.Passing)));

        driver.Ok(Catalog.Update("n1", "serfHealth", HealthStatus.Passing));

        Assert.Equal(1, driver.State.FindCheck("n1", "serfHealth")!.ModifyIndex);
        Assert.Empty(driver.LastTouched);
    }

    [Fact]
    public void Register_ServiceRenamed_UpdatesItsChecksServiceName()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web", 80, "v1"), Catalog.ServiceCheck("s1-alive", "s1")));

        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "api", 80, "v2")));

        var check = driver.State.FindCheck("n1", "s1-alive")!;
        Assert.Equal("api", check.ServiceName);
        Assert.Equal(["v2"], check.ServiceTags);
        Assert.Equal(2, check.ModifyIndex);
        Assert.Equal(1, check.CreateIndex);
    }

    [Fact]
    public void DeregisterNode_RemovesItsServicesAndChecks()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.ServiceCheck("web-alive", "web"), Catalog.NodeCheck("serfHealth")));
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("web-proxy", "web")));
        driver.Ok(Catalog.Register("n2", Catalog.Service("web", "web"), Catalog.NodeCheck("serfHealth")));

        driver.Ok(Catalog.DeregisterNode("N1"));

        var state = driver.State;
        Assert.Null(state.FindNode("n1"));
        Assert.Empty(state.ServicesOnNode("n1"));
        Assert.Empty(state.ChecksOnNode("n1"));
        Assert.DoesNotContain(state.Services.Keys, k => k.Node == "n1");
        Assert.DoesNotContain(state.Checks.Keys, k => k.Node == "n1");
        Assert.Equal(["n2"], state.ServicesNamed("web").Select(s => s.Key.Node));
        Assert.Empty(state.ConnectServicesFor("web"));
        Assert.False(state.ServicesByNode.Contains("n1"));
        Assert.False(state.ChecksByNode.Contains("n1"));
        Assert.Single(state.ChecksOnNode("n2"));
        StoreInvariants.AssertConsistent(state);
    }

    [Fact]
    public void DeregisterService_RemovesItsChecksButNotNodeChecks()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.ServiceCheck("web-alive", "web"), Catalog.NodeCheck("serfHealth")));

        driver.Ok(Catalog.DeregisterService("n1", "web"));

        Assert.Null(driver.State.FindCheck("n1", "web-alive"));
        Assert.NotNull(driver.State.FindCheck("n1", "serfHealth"));
        Assert.NotNull(driver.State.FindNode("n1"));
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void Commit_SetsEveryTouchedKeyToTheTransactionIndex()
    {
        var transaction = new StoreTransaction(StoreState.Empty, 42);
        transaction.UpsertNode(new Node { Name = "n1" });
        transaction.UpsertService("n1", Catalog.Service("web", "web"));

        var state = transaction.Commit();

        Assert.Equal(42, state.AppliedIndex);
        Assert.NotEmpty(transaction.Touched);
        Assert.All(transaction.Touched, key => Assert.Equal(42, state.IndexOf(key)));
        Assert.Equal(transaction.Touched.Order(StringComparer.Ordinal), state.WatchIndexes.Keys);
    }
}
