using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

/// <summary>Which watch keys each kind of write touches: exactly the feeds whose results it can change.</summary>
public sealed class WatchKeyTouchTests
{
    private static FsmDriver NodeWithWebAndDb()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.NodeCheck("serfHealth")));
        driver.Ok(Catalog.Register("n1", Catalog.Service("db", "db"), Catalog.ServiceCheck("db-alive", "db")));
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("web-proxy", "web")));
        driver.Ok(Catalog.Register("n2", Catalog.Service("cache", "cache"), Catalog.NodeCheck("serfHealth")));
        return driver;
    }

    [Fact]
    public void Register_ServiceOnNewNode_TouchesNodeServiceAndKindKeys()
    {
        var driver = new FsmDriver();

        driver.Ok(Catalog.Register("N1", Catalog.Service("web", "Web")));

        Assert.Equal(
            new HashSet<string> { WatchKeys.Nodes, "node/n1", WatchKeys.Services, "service/web", "kind/" },
            driver.LastTouched);
    }

    [Fact]
    public void Register_ServiceOnExistingNode_TouchesOnlyThatService()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("db", "db")));

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));

        Assert.Equal(
            new HashSet<string> { WatchKeys.Services, WatchKeys.Node("n1"), WatchKeys.Service("web"), WatchKeys.Kind(ServiceKind.Typical) },
            driver.LastTouched);
        Assert.DoesNotContain(WatchKeys.Service("db"), driver.LastTouched);
        Assert.Equal(1, driver.State.IndexOf(WatchKeys.Service("db")));
        Assert.Equal(2, driver.State.IndexOf(WatchKeys.Service("web")));
    }

    [Fact]
    public void Register_SidecarPortChanged_TouchesItsServiceConnectAndKindKeys()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("web-proxy", "web", port: 21000)));

        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("web-proxy", "web", port: 21001)));

        Assert.Equal(
            new HashSet<string>
            {
                WatchKeys.Services, WatchKeys.Node("n1"), WatchKeys.Service("web-sidecar-proxy"),
                WatchKeys.Connect("web"), WatchKeys.Kind(ServiceKind.ConnectProxy),
            },
            driver.LastTouched);
    }

    [Fact]
    public void Register_Sidecar_TouchesConnectKeyOfDestination()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));

        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("web-proxy", "web")));

        Assert.Equal(
            new HashSet<string>
            {
                WatchKeys.Services, WatchKeys.Node("n1"), WatchKeys.Service("web-sidecar-proxy"),
                WatchKeys.Connect("web"), WatchKeys.Kind(ServiceKind.ConnectProxy),
            },
            driver.LastTouched);
    }

    [Fact]
    public void Register_NativeService_TouchesConnectKeyOfItsName()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Node("n1"));

        driver.Ok(Catalog.Register("n1", Catalog.Native("api", "api")));

        Assert.Contains(WatchKeys.Connect("api"), driver.LastTouched);
        Assert.Contains(WatchKeys.Service("api"), driver.LastTouched);
    }

    [Fact]
    public void UpdateCheck_NodeLevelCheck_TouchesEveryServiceOnTheNode()
    {
        var driver = NodeWithWebAndDb();

        driver.Ok(Catalog.Update("n1", "serfHealth", HealthStatus.Critical));

        Assert.Equal(
            new HashSet<string>
            {
                WatchKeys.Checks, WatchKeys.Node("n1"), WatchKeys.Service("web"), WatchKeys.Service("db"),
                WatchKeys.Service("web-sidecar-proxy"), WatchKeys.Connect("web"),
                WatchKeys.Kind(ServiceKind.Typical), WatchKeys.Kind(ServiceKind.ConnectProxy),
            },
            driver.LastTouched);
        Assert.DoesNotContain(WatchKeys.Service("cache"), driver.LastTouched);
    }

    [Fact]
    public void UpdateCheck_ServiceCheck_TouchesOnlyThatService()
    {
        var driver = NodeWithWebAndDb();

        driver.Ok(Catalog.Update("n1", "db-alive", HealthStatus.Warning));

        Assert.Equal(
            new HashSet<string> { WatchKeys.Checks, WatchKeys.Node("n1"), WatchKeys.Service("db"), WatchKeys.Kind(ServiceKind.Typical) },
            driver.LastTouched);
    }

    [Fact]
    public void Register_NodeAddressChanged_TouchesNodesAndEveryServiceOnIt()
    {
        var driver = NodeWithWebAndDb();

        driver.Ok(Catalog.Node("n1", "127.0.0.77"));

        Assert.Equal(
            new HashSet<string>
            {
                WatchKeys.Nodes, WatchKeys.Node("n1"), WatchKeys.Service("web"), WatchKeys.Service("db"),
                WatchKeys.Service("web-sidecar-proxy"), WatchKeys.Connect("web"),
                WatchKeys.Kind(ServiceKind.Typical), WatchKeys.Kind(ServiceKind.ConnectProxy),
            },
            driver.LastTouched);
    }

    [Fact]
    public void Register_ServiceRenamed_TouchesOldAndNewName()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "web")));

        driver.Ok(Catalog.Register("n1", Catalog.Service("s1", "api")));

        Assert.Contains(WatchKeys.Service("web"), driver.LastTouched);
        Assert.Contains(WatchKeys.Service("api"), driver.LastTouched);
    }

    [Fact]
    public void Register_SidecarRetargeted_TouchesOldAndNewConnectKeys()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("proxy", "web")));

        driver.Ok(Catalog.Register("n1", Catalog.Sidecar("proxy", "api")));

        Assert.Contains(WatchKeys.Connect("web"), driver.LastTouched);
        Assert.Contains(WatchKeys.Connect("api"), driver.LastTouched);
    }

    [Fact]
    public void DeregisterService_TouchesItsNameAndChecksButNotOthers()
    {
        var driver = NodeWithWebAndDb();

        driver.Ok(Catalog.DeregisterService("n1", "db"));

        Assert.Equal(
            new HashSet<string> { WatchKeys.Services, WatchKeys.Checks, WatchKeys.Node("n1"), WatchKeys.Service("db"), WatchKeys.Kind(ServiceKind.Typical) },
            driver.LastTouched);
    }

    [Fact]
    public void DeregisterNode_TouchesNodesAndEveryServiceOnIt()
    {
        var driver = NodeWithWebAndDb();

        driver.Ok(Catalog.DeregisterNode("n1"));

        Assert.Superset(
            new HashSet<string>
            {
                WatchKeys.Nodes, WatchKeys.Services, WatchKeys.Checks, WatchKeys.Node("n1"), WatchKeys.Service("web"),
                WatchKeys.Service("db"), WatchKeys.Service("web-sidecar-proxy"), WatchKeys.Connect("web"),
            },
            new HashSet<string>(driver.LastTouched));
        Assert.DoesNotContain(WatchKeys.Service("cache"), driver.LastTouched);
        Assert.DoesNotContain(WatchKeys.Node("n2"), driver.LastTouched);
    }

    [Fact]
    public void Apply_WatchIndexesNeverGoBackwards()
    {
        var driver = NodeWithWebAndDb();
        var before = driver.State.WatchIndexes;

        driver.Ok(Catalog.DeregisterService("n1", "web"));
        driver.Apply(Catalog.Update("n1", "missing", HealthStatus.Passing));
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        driver.Fsm.Skip(driver.Index + 1);

        foreach (var (key, index) in before)
        {
            Assert.True(driver.State.IndexOf(key) >= index, $"{key} went back");
        }
    }

    [Fact]
    public void WatchKeys_AreLowerCasedExceptKind()
    {
        Assert.Equal("node/n1", WatchKeys.Node("N1"));
        Assert.Equal("service/web", WatchKeys.Service("WEB"));
        Assert.Equal("connect/web", WatchKeys.Connect("Web"));
        Assert.Equal("kind/connect-proxy", WatchKeys.Kind(ServiceKind.ConnectProxy));
        Assert.Equal("kind/", WatchKeys.Kind(ServiceKind.Typical));
    }
}
