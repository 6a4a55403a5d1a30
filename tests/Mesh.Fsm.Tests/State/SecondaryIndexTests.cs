using Mesh.Fsm.State;

namespace Mesh.Fsm.Tests.State;

public sealed class SecondaryIndexTests
{
    [Fact]
    public void Add_KeepsKeysSortedPerValue()
    {
        var index = SecondaryIndex<ServiceKey>.Empty
            .Add("web", new ServiceKey("n2", "a"))
            .Add("web", new ServiceKey("n1", "b"))
            .Add("web", new ServiceKey("n1", "a"));

        Assert.Equal([new ServiceKey("n1", "a"), new ServiceKey("n1", "b"), new ServiceKey("n2", "a")], index.Get("web"));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Add_KeyAlreadyThere_ReturnsTheSameIndex()
    {
        var index = SecondaryIndex<ServiceKey>.Empty.Add("web", new ServiceKey("n1", "a"));

        Assert.Same(index, index.Add("web", new ServiceKey("n1", "a")));
    }

    [Fact]
    public void Remove_LastKey_DropsTheValue()
    {
        var key = new ServiceKey("n1", "a");
        var index = SecondaryIndex<ServiceKey>.Empty.Add("web", key);

        var emptied = index.Remove("web", key);

        Assert.False(emptied.Contains("web"));
        Assert.Equal(0, emptied.Count);
        Assert.True(index.Contains("web"));
    }

    [Fact]
    public void Remove_UnknownValueOrKey_LeavesIndexUnchanged()
    {
        var index = SecondaryIndex<ServiceKey>.Empty.Add("web", new ServiceKey("n1", "a"));

        Assert.Same(index, index.Remove("db", new ServiceKey("n1", "a")));
        Assert.Single(index.Remove("web", new ServiceKey("n9", "z")).Get("web"));
    }

    [Fact]
    public void Values_AreInOrdinalOrder()
    {
        var index = SecondaryIndex<CheckKey>.Empty
            .Add("b", new CheckKey("n", "1"))
            .Add("B", new CheckKey("n", "2"))
            .Add("a", new CheckKey("n", "3"));

        Assert.Equal(["B", "a", "b"], index.Values);
    }
}
