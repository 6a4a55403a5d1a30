using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests;

public sealed class CatalogApplyTests
{
    [Fact]
    public void Register_WithoutNode_IsRefusedAsInvalid()
    {
        var driver = new FsmDriver();

        var result = driver.Apply(Catalog.Register(string.Empty, Catalog.Service("web", "web")));

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Empty(driver.State.Nodes);
    }

    [Fact]
    public void Register_CheckForMissingServiceOnNewNode_IsRefusedAndCreatesNothing()
    {
        var driver = new FsmDriver();

        var result = driver.Apply(Catalog.Register("n1", null, Catalog.ServiceCheck("web-alive", "web")));

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Contains("Missing service registration", result.Error, StringComparison.Ordinal);
        Assert.Null(driver.State.FindNode("n1"));
        Assert.Empty(driver.State.Checks);
        Assert.Empty(driver.State.WatchIndexes);
        Assert.Equal(1, driver.State.AppliedIndex);
    }

    [Fact]
    public void Register_CheckForServiceInSameRequest_IsAccepted()
    {
        var driver = new FsmDriver();

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web", 80, "v1"), Catalog.ServiceCheck("web-alive", "web")));

        var check = driver.State.FindCheck("n1", "web-alive")!;
        Assert.Equal("web", check.ServiceName);
        Assert.Equal(["v1"], check.ServiceTags);
        Assert.Equal("n1", check.Node);
    }

    [Fact]
    public void Register_CheckForServiceRegisteredEarlier_IsAccepted()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));

        driver.Ok(Catalog.Register("N1", null, Catalog.ServiceCheck("web-alive", "web")));

        Assert.Equal("web", driver.State.FindCheck("n1", "web-alive")!.ServiceName);
    }

    [Fact]
    public void Register_CheckNamingAnotherNode_IsRefused()
    {
        var driver = new FsmDriver();

        var result = driver.Apply(Catalog.Register("n1", null, Catalog.NodeCheck("serfHealth") with { Node = "n2" }));

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Empty(driver.State.Nodes);
    }

    [Fact]
    public void Register_NodeIdOwnedByAnotherNode_IsRefused()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Node("n1") with { NodeId = "4a1b0c1e-0000-4000-8000-000000000001" });

        var result = driver.Apply(Catalog.Node("n2") with { NodeId = "4A1B0C1E-0000-4000-8000-000000000001" });

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Contains("already used by node \"n1\"", result.Error, StringComparison.Ordinal);
        Assert.Null(driver.State.FindNode("n2"));
    }

    [Fact]
    public void Register_NodeIdFreedByDeleteOrChange_CanBeTakenByAnotherNode_AlsoAfterSnapshotRestore()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Node("n1") with { NodeId = "id-1" });
        driver.Ok(Catalog.Node("n3") with { NodeId = "id-3" });
        driver.Ok(new DeregisterCommand { Node = "n1" });
        driver.Ok(Catalog.Node("n2") with { NodeId = "id-1" });
        driver.Ok(Catalog.Node("n3") with { NodeId = "id-3b" });

        var restored = Mesh.Fsm.State.StoreSnapshotCodec.Read(Mesh.Fsm.State.StoreSnapshotCodec.Serialize(driver.State));
        Assert.Equal(["n2"], restored.NodesById.Get("id-1").Select(k => restored.Nodes[k].Name));
        Assert.Empty(restored.NodesById.Get("id-3"));
        Assert.Equal(["n3"], restored.NodesById.Get("id-3b").Select(k => restored.Nodes[k].Name));

        var refused = driver.Apply(Catalog.Node("n4") with { NodeId = "ID-3B" });
        Assert.Equal(ApplyErrorKind.Invalid, refused.ErrorKind);
        driver.Ok(Catalog.Node("n4") with { NodeId = "id-3" });
    }

    [Fact]
    public void Register_SameNodeWithItsOwnId_IsAccepted()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Node("n1") with { NodeId = "id-1" });

        driver.Ok(Catalog.Node("N1", "127.0.0.99") with { NodeId = "id-1" });

        var node = driver.State.FindNode("n1")!;
        Assert.Equal("127.0.0.99", node.Address);
        Assert.Equal("n1", node.Name);
    }

    [Fact]
    public void Register_SkipNodeUpdate_KeepsExistingNodeRow()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Node("n1", "127.0.0.1"));

        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")) with { Address = "127.0.0.2", SkipNodeUpdate = true });

        var node = driver.State.FindNode("n1")!;
        Assert.Equal("127.0.0.1", node.Address);
        Assert.Equal(1, node.ModifyIndex);
        Assert.Equal(2, driver.State.FindService("n1", "web")!.CreateIndex);
    }

    [Fact]
    public void Register_SkipNodeUpdateForNewNode_CreatesNode()
    {
        var driver = new FsmDriver();

        driver.Ok(Catalog.Node("n1", "127.0.0.5") with { SkipNodeUpdate = true });

        Assert.Equal("127.0.0.5", driver.State.FindNode("n1")!.Address);
    }

    [Fact]
    public void Deregister_WithoutNode_IsRefusedAsInvalid()
    {
        var driver = new FsmDriver();

        var result = driver.Apply(Catalog.DeregisterNode(string.Empty));

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
    }

    [Fact]
    public void Deregister_MissingRows_SucceedsWithoutTouchingAnything()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web")));
        var watchIndexes = driver.State.WatchIndexes;

        driver.Ok(Catalog.DeregisterService("n1", "nope"));
        driver.Ok(Catalog.DeregisterCheck("n1", "nope"));
        driver.Ok(Catalog.DeregisterNode("n9"));

        Assert.Empty(driver.LastTouched);
        Assert.Same(watchIndexes, driver.State.WatchIndexes);
    }

    [Fact]
    public void UpdateCheck_UnknownCheck_IsRefusedAsNotFound()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", null, Catalog.NodeCheck("serfHealth")));
        var before = driver.State;

        var result = driver.Apply(Catalog.Update("n1", "missing", HealthStatus.Critical));

        Assert.Equal(ApplyErrorKind.NotFound, result.ErrorKind);
        Assert.Same(before.Checks, driver.State.Checks);
        Assert.Same(before.WatchIndexes, driver.State.WatchIndexes);
    }

    [Fact]
    public void UpdateCheck_InvalidStatus_IsRefusedAsInvalid()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", null, Catalog.NodeCheck("serfHealth")));

        var result = driver.Apply(Catalog.Update("n1", "serfHealth", "sideways"));

        Assert.Equal(ApplyErrorKind.Invalid, result.ErrorKind);
        Assert.Equal(HealthStatus.Passing, driver.State.FindCheck("n1", "serfHealth")!.Status);
    }

    [Fact]
    public void UpdateCheck_KnownCheck_SetsStatusAndOutputOnly()
    {
        var driver = new FsmDriver();
        driver.Ok(Catalog.Register("n1", Catalog.Service("web", "web"), Catalog.ServiceCheck("web-ttl", "web") with { Type = "ttl", Notes = "n" }));

        driver.Ok(Catalog.Update("N1", "web-ttl", HealthStatus.Warning, "slow"));

        var check = driver.State.FindCheck("n1", "web-ttl")!;
        Assert.Equal(HealthStatus.Warning, check.Status);
        Assert.Equal("slow", check.Output);
        Assert.Equal("ttl", check.Type);
        Assert.Equal("n", check.Notes);
        Assert.Equal(1, check.CreateIndex);
        Assert.Equal(2, check.ModifyIndex);
    }
}
