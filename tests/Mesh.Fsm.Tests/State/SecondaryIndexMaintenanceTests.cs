using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

/// <summary>The store's secondary indexes follow services through renames, kind and destination changes and deletes.</summary>
public sealed class SecondaryIndexMaintenanceTests
{
    private static IReadOnlyList<string> Named(StoreState state, string name)
        => [.. state.ServicesNamed(name).Select(s => $"{s.Key.Node}/{s.Service.Id}")];

    private static IReadOnlyList<string> Connect(StoreState state, string destination)
        => [.. state.ConnectServicesFor(destination).Select(s => $"{s.Key.Node}/{s.Service.Id}")];

    [Fact]
    public void ServicesNamed_IsCaseInsensitive()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web-1", "Web")));
        driver.Ok(Catalog.Register("N2", Catalog.Service("web-2", "web")));

        Assert.Equal(["n1/web-1", "n2/web-2"], Named(driver.State, "WEB"));
        Assert.Equal(Named(driver.State, "web"), Named(driver.State, "wEb"));
        Assert.Equal(["web"], driver.State.ServicesByName.Values);
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void ServicesByNode_ListsEveryServiceOnTheNode()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        driver.Ok(Catalog.Register("n1", Catalog.Service("db", "db")));
        driver.Ok(Catalog.Register("n2", Catalog.Service("web", "web")));

        Assert.Equal(["db", "web"], driver.State.ServicesOnNode("N1").Select(s => s.Id));
        Assert.Equal(["web"], driver.State.ServicesOnNode("n2").Select(s => s.Id));
    }

    [Fact]
    public void Register_SameNameKindAndDestination_KeepsTheIndexesAsTheyWere()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web", port: 8080)));
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("p1", "web")));
        var before = driver.State;

        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web", port: 9090)));
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("p1", "web", port: 21001)));

        // Only the rows changed: the index objects are the very same (nothing rebuilt), and they still find the rows.
        Assert.Same(before.ServicesByName, driver.State.ServicesByName);
        Assert.Same(before.ServicesByNode, driver.State.ServicesByNode);
        Assert.Same(before.ServicesByKind, driver.State.ServicesByKind);
        Assert.Same(before.ServicesByConnect, driver.State.ServicesByConnect);
        Assert.Equal(9090, driver.State.ServicesNamed("web").Single(s => s.Service.Id == "s1").Service.Port);
        Assert.Equal(["n1/p1"], Connect(driver.State, "web"));
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void Register_NameCaseChanged_StaysUnderItsNameWithTheNewSpelling()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "Web")));

        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web")));

        Assert.Equal(["n1/s1"], Named(driver.State, "WEB"));
        Assert.Equal("web", driver.State.ServicesNamed("web").Single().Service.Service);
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void Register_ServiceRenamed_MovesItBetweenNameEntries()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web")));

        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "api")));

        Assert.Empty(Named(driver.State, "web"));
        Assert.False(driver.State.ServicesByName.Contains("web"));
        Assert.Equal(["n1/s1"], Named(driver.State, "api"));
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void Register_KindChanged_MovesItBetweenKindEntries()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web-sidecar-proxy")));

        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("s1", "web")));

        Assert.Empty(driver.State.ServicesByKind.Get(ServiceKind.Typical));
        Assert.Single(driver.State.ServicesByKind.Get(ServiceKind.ConnectProxy));
        Assert.Equal(["n1/s1"], Connect(driver.State, "web"));

        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web-sidecar-proxy")));

        Assert.Empty(driver.State.ServicesByKind.Get(ServiceKind.ConnectProxy));
        Assert.False(driver.State.ServicesByKind.Contains(ServiceKind.ConnectProxy));
        Assert.Empty(Connect(driver.State, "web"));
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void Register_SidecarDestinationChanged_MovesItBetweenConnectEntries()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("proxy", "web")));
        driver.Ok(Catalog.Register("n2", Catalog.Sidecar("proxy", "Web")));

        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("proxy", "api")));

        Assert.Equal(["n2/proxy"], Connect(driver.State, "WEB"));
        Assert.Equal(["n1/proxy"], Connect(driver.State, "api"));
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void ConnectServicesFor_FindsSidecarsByDestinationAndNativeServicesByName()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("web-sidecar-proxy", "web")));
        driver.Ok(Catalog.Register("n2", Catalog.Native("web-native", "web")));
        driver.Ok(Catalog.Register("n2", Catalog.Native("api-native", "api")));

        Assert.Equal(["n1/web-sidecar-proxy", "n2/web-native"], Connect(driver.State, "web"));
        Assert.Equal(["n2/api-native"], Connect(driver.State, "api"));
        Assert.Empty(Connect(driver.State, "web-sidecar-proxy"));
    }

    [Fact]
    public void Register_NativeTurnedOff_LeavesConnectIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Native("api", "api")));

        driver.Ok(Catalog.Register("n1", Catalog.Native("api", "api") with { Connect = ServiceConnect.Empty }));

        Assert.Empty(Connect(driver.State, "api"));
        Assert.Equal(0, driver.State.ServicesByConnect.Count);
        Assert.Equal(["n1/api"], Named(driver.State, "api"));
    }

    [Fact]
    public void Register_NativeServiceRenamed_MovesConnectEntry()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Native("svc", "api")));

        driver.Ok(Catalog.Register("n1", Catalog.Native("svc", "billing")));

        Assert.Empty(Connect(driver.State, "api"));
        Assert.Equal(["n1/svc"], Connect(driver.State, "billing"));
        StoreInvariants.AssertConsistent(driver.State);
    }

    [Fact]
    public void DeregisterService_RemovesItFromEveryIndex()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("proxy", "web")));
        driver.Ok(Catalog.Register("n1", Catalog.Native("api", "api")));

        driver.Ok(Catalog.DeregisterService("n1", "proxy"));
        driver.Ok(Catalog.DeregisterService("n1", "api"));

        var state = driver.State;
        Assert.Equal(0, state.ServicesByName.Count);
        Assert.Equal(0, state.ServicesByKind.Count);
        Assert.Equal(0, state.ServicesByConnect.Count);
        Assert.Equal(0, state.ServicesByNode.Count);
        Assert.NotNull(state.FindNode("n1"));
    }

    [Fact]
    public void ServiceKey_NodePartIsCaseInsensitiveAndServiceIdIsExact()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("Node-A", Catalog.Service("web", "web")));
        driver.Ok(Catalog.Register("node-a", Catalog.Service("Web", "web")));

        Assert.Equal(2, driver.State.ServicesOnNode("NODE-A").Count());
        Assert.NotNull(driver.State.FindService("node-a", "Web"));
        Assert.Null(driver.State.FindService("node-a", "WEB"));
        Assert.Equal("Node-A", driver.State.FindNode("node-a")!.Name);
    }
}
