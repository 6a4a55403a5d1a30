using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

public sealed class StoreStateTests
{
    [Fact]
    public void MaxIndex_WrittenKeys_ReturnsHighestAndIgnoresFallback()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        driver.Ok(Catalog.Register("n1", Catalog.Service("db", "db")));
        driver.Ok(Catalog.Node("n2"));

        var index = driver.State.MaxIndex([WatchKeys.Service("web"), WatchKeys.Service("db")], WatchKeys.Nodes);

        Assert.Equal(2, index);
    }

    [Fact]
    public void MaxIndex_NoKeyEverWritten_UsesHighestFallback()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        driver.Ok(Catalog.Node("n2"));

        var index = driver.State.MaxIndex([WatchKeys.Service("missing")], WatchKeys.Services, WatchKeys.Nodes);

        Assert.Equal(2, index);
    }

    [Fact]
    public void MaxIndex_NothingWrittenAnywhere_ReturnsZero()
    {
        Assert.Equal(0, StoreState.Empty.MaxIndex([WatchKeys.Service("web")], WatchKeys.Services));
        Assert.Equal(0, StoreState.Empty.MaxIndex([]));
        Assert.Equal(0, StoreState.Empty.IndexOf(WatchKeys.Nodes));
    }

    [Fact]
    public void ChecksForInstance_ReturnsNodeChecksAndOwnChecksOnly()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.ServiceCheck("web-alive", "web"), Catalog.NodeCheck("serfHealth")));
        driver.Ok(Catalog.Register("n1", Catalog.Service("db", "db"), Catalog.ServiceCheck("db-alive", "db")));

        var checks = driver.State.ChecksForInstance("N1", "web").Select(c => c.CheckId).Order(StringComparer.Ordinal);

        Assert.Equal(["serfHealth", "web-alive"], checks);
    }

    [Fact]
    public void Finders_UnknownRows_ReturnNull()
    {
        var state = StoreState.Empty;

        Assert.Null(state.FindNode("n1"));
        Assert.Null(state.FindService("n1", "web"));
        Assert.Null(state.FindCheck("n1", "serfHealth"));
        Assert.Empty(state.ServicesNamed("web"));
        Assert.Empty(state.ConnectServicesFor("web"));
        Assert.Empty(state.ServicesOnNode("n1"));
        Assert.Empty(state.ChecksOnNode("n1"));
        Assert.Empty(StoreInvariants.OfKind(state, ServiceKind.MeshGateway));
    }
}
